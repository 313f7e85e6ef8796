import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { RotationFunctions } from '@secrets-rotation/cdk';
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killSpawnedStacks, spawnStack } from '../support/spawnStack.js';

// A CDK user's own app, synthesized, then `npm start -- --cdk-out … --cdk-stack …`: the local stack
// runs the functions exactly as that app deploys them, beside the suite's own.

const STACK = 'ShopRotation';
let work: string;
let assembly: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cdk-start-'));
  assembly = join(work, 'cdk.out');
  // The CDK CLI writes asset metadata by default; an App in a test is told to.
  const app = new App({ outdir: assembly, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, STACK);
  new RotationFunctions(stack, 'Rotation', {
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Pager', 'arn:aws:sns:us-east-1:000000000000:pager'),
    logLevel: 'DEBUG',
  });
  app.synth();
});

afterEach(async () => {
  await killSpawnedStacks();
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const FLAGS = ['--memory', '--no-demo', '--port', '0', '--token-port', '0', '--pg-port', '0'];

describe('npm start -- --cdk-out DIR --cdk-stack NAME', () => {
  it("runs the stack's functions under their deployed names and rotates with one", async () => {
    const stack = spawnStack([...FLAGS, '--cdk-out', assembly, '--cdk-stack', STACK]);
    const [, url = ''] = await stack.waitFor(/Local Secrets Manager listening on (http:\/\/\S+)/, 60_000);
    expect(stack.stdout()).toContain(`function:${STACK}-random-value (its cdk synth asset and environment)`);
    const client = new SecretsManagerClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const created = await client.send(
        new CreateSecretCommand({
          Name: '/services/shop/signing',
          SecretString: JSON.stringify({ password: 'initial-shop-signing-0001' }),
        }),
      );
      const rotation = await client.send(
        new RotateSecretCommand({
          SecretId: created.ARN,
          RotationLambdaARN: `arn:aws:lambda:us-east-1:000000000000:function:${STACK}-random-value`,
          RotationRules: { AutomaticallyAfterDays: 30 },
        }),
      );
      const deadline = Date.now() + 30_000;
      let stages: string[] | undefined;
      while (Date.now() < deadline) {
        const described = await client.send(new DescribeSecretCommand({ SecretId: created.ARN }));
        stages = described.VersionIdsToStages?.[rotation.VersionId ?? ''];
        if (stages?.includes('AWSCURRENT')) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(stages).toContain('AWSCURRENT');
      const current = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
      expect((JSON.parse(current.SecretString ?? '{}') as { password: string }).password).toHaveLength(32);
      // The deployed environment reached it: its log level and service name are the construct's.
      expect(stack.stdout()).toContain('secrets-rotation-random-value');
    } finally {
      client.destroy();
    }
  }, 90_000);

  it('refuses --cdk-out without --cdk-stack, and a stack the assembly does not hold, with exit 2', async () => {
    const alone = await spawnStack([...FLAGS, '--cdk-out', assembly]).exited;
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--cdk-out and --cdk-stack go together');
    const missing = await spawnStack([...FLAGS, '--cdk-out', assembly, '--cdk-stack', 'NoSuchStack']).exited;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NoSuchStack');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
