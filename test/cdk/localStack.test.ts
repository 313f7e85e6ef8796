import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  bundleDirectory,
  type LocalFunction,
  localFunctions,
  RotationFunctions,
} from '@secrets-rotation/cdk';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerSecrets, seedConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/stack/startLocalStack.js';
import { auditOutput, auditSecrets } from '../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';

const STACK = 'LocalRotation';
const PREFIX = 'cdk';

let work: string;
let functions: LocalFunction[] = [];
let local: LocalEnvironment;
let client: SecretsManagerClient;
let seeded: ConsumerSecrets;
const log: string[] = [];

/** The app a CDK user deploys, with the master secret the local stack holds as its one allowed master. */
function synthesize(masterArn: string): LocalFunction[] {
  const outdir = join(work, 'cdk.out');
  // The CDK CLI writes asset metadata by default; an App in a test is told to.
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, STACK);
  new RotationFunctions(stack, 'Rotation', {
    alarmTopic: sns.Topic.fromTopicArn(
      stack,
      'Pager',
      `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:pager`,
    ),
    masterSecrets: [secretsmanager.Secret.fromSecretCompleteArn(stack, 'Master', masterArn)],
    logLevel: 'DEBUG',
  });
  app.synth();
  return localFunctions(outdir, STACK);
}

/**
 * What `cdk synth` writes, run by the local stack: each function from its asset in the cloud
 * assembly, under its deployed name, with its deployed environment on top of what the local stack
 * sets (its endpoint, Region, and the local Postgres's CA in PG_CA_FILE, since the deployed
 * NODE_EXTRA_CA_CERTS names Lambda's RDS bundle).
 */
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cdk-local-'));
  const functionsDir = join(work, 'functions');
  mkdirSync(functionsDir);
  local = await startLocalEnvironment({
    functionsDir,
    retry: { maxAttempts: 3, baseDelayMs: 10 },
    logSink: (line) => log.push(line),
    // Read when a function's process starts, after the synth below.
    functionEnvironment: (name) => {
      const deployed = functions.find((fn) => fn.functionName === name);
      if (deployed === undefined) throw new Error(`the assembly deploys no function ${name}`);
      return deployed.environment;
    },
  });
  client = new SecretsManagerClient({
    endpoint: local.stack.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  seeded = await seedConsumerSecrets(client, local.postgres, local.tokens, PREFIX);
  functions = synthesize(seeded.master);
  for (const fn of functions) symlinkSync(fn.codeDirectory, join(functionsDir, fn.functionName));
}, 120_000);

afterAll(async () => {
  client?.destroy();
  if (local !== undefined) {
    auditOutput(log.join('\n'));
    auditSecrets(
      local.stack.secretsManager.store
        .all()
        .flatMap((record) => record.versions)
        .flatMap((version) =>
          version.secretString === undefined ? [] : sensitiveStrings(version.secretString),
        ),
    );
    await local.close();
  }
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

async function rotate(secretId: string, name: string): Promise<{ username: string; password: string }> {
  const rotation = await client.send(
    new RotateSecretCommand({
      SecretId: secretId,
      RotationLambdaARN: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${STACK}-${name}`,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  await local.stack.runner.waitForRotation(secretId, rotation.VersionId ?? '', 30_000);
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  expect(current.VersionId).toBe(rotation.VersionId);
  return JSON.parse(current.SecretString ?? '{}') as { username: string; password: string };
}

describe('the functions the construct deploys, on the local stack', () => {
  it('are the four bundles of the cloud assembly, with environments known at synth', () => {
    expect(functions.map((fn) => fn.functionName).sort()).toEqual(
      ['api-token', 'postgres-alternating-users', 'postgres-single-user', 'random-value'].map(
        (name) => `${STACK}-${name}`,
      ),
    );
    for (const fn of functions) {
      expect(fn.codeDirectory).not.toBe(bundleDirectory(fn.name));
      expect(fn.environment['POWERTOOLS_SERVICE_NAME']).toBe(`secrets-rotation-${fn.name}`);
      expect(fn.environment['POWERTOOLS_LOG_LEVEL']).toBe('DEBUG');
    }
    const postgres = functions.filter((fn) => fn.name.startsWith('postgres-'));
    expect(postgres.map((fn) => fn.environment['ALLOWED_MASTER_SECRET_ARNS'])).toEqual([
      seeded.master,
      seeded.master,
    ]);
  });

  it('rotate a random value', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: `/services/${PREFIX}/signing`,
        SecretString: JSON.stringify({ password: 'initial-signing-key-cdk-0001' }),
      }),
    );
    const value = await rotate(created.ARN ?? '', 'random-value');
    expect(value.password).toHaveLength(32);
    expect(value.password).not.toBe('initial-signing-key-cdk-0001');
    // The deployed environment reached the function: its Powertools service name is in its logs.
    expect(local.stack.invoker.output(`${STACK}-random-value`).join('\n')).toContain(
      'secrets-rotation-random-value',
    );
  });

  it('rotate a Postgres password in place', async () => {
    const value = await rotate(seeded.single, 'postgres-single-user');
    expect(value.username).toBe(`${PREFIX}_single`);
    expect(await local.postgres.canLogin(value.username, value.password)).toBe(true);
  });

  it('rotate Postgres alternating users with the allowed master secret', async () => {
    const value = await rotate(seeded.alternating, 'postgres-alternating-users');
    expect(value.username).toBe(`${PREFIX}_alt_clone`);
    expect(await local.postgres.canLogin(value.username, value.password)).toBe(true);
  });
});
