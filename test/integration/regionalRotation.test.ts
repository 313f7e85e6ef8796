import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/startTestStack.js';

// A rotation function runs in the Region of its ARN (the Lambda runtime's AWS_REGION), so it reads
// and writes the secret in that Region. The account id is the stack's own.
const ACCOUNT = '210987654321';
const REGION = 'eu-central-1';

let env: TestStack;
let client: SecretsManagerClient;

beforeAll(async () => {
  env = await startTestStack({ accountId: ACCOUNT });
  client = new SecretsManagerClient({
    endpoint: env.stack.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await env?.close();
});

describe('rotation outside the default Region, with another account id', () => {
  it('rotates a secret in its own Region with the function of that Region', async () => {
    const name = 'services/regional/signing-key';
    const { ARN = '' } = await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ password: 'initial-regional-key-01' }),
      }),
    );
    expect(ARN.split(':').slice(3, 5)).toEqual([REGION, ACCOUNT]);
    // The same name in the default Region is another secret, which the rotation must not touch.
    await env.client.send(
      new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ password: 'east-01' }) }),
    );

    const rotation = await client.send(
      new RotateSecretCommand({
        SecretId: ARN,
        RotationLambdaARN: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:random-value`,
        RotationRules: { AutomaticallyAfterDays: 7 },
      }),
    );
    await env.stack.runner.waitForRotation(ARN, rotation.VersionId ?? '', 30_000);

    const current = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(current.VersionId).toBe(rotation.VersionId);
    expect(JSON.parse(current.SecretString ?? '{}').password).not.toBe('initial-regional-key-01');
    const east = await env.client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(JSON.parse(east.SecretString ?? '{}').password).toBe('east-01');
  });

  it('rotates a replicated secret in its primary Region; the replica follows, value and labels', async () => {
    const name = 'services/replicated/signing-key';
    const { ARN = '' } = await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ password: 'initial-replicated-key-01' }),
        AddReplicaRegions: [{ Region: 'us-west-2' }],
      }),
    );
    const replica = new SecretsManagerClient({
      endpoint: env.stack.url,
      region: 'us-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const rotation = await client.send(
        new RotateSecretCommand({
          SecretId: ARN,
          RotationLambdaARN: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:random-value`,
          RotationRules: { AutomaticallyAfterDays: 7 },
        }),
      );
      await env.stack.runner.waitForRotation(ARN, rotation.VersionId ?? '', 30_000);

      const [primaryValue, replicaValue] = await Promise.all(
        [client, replica].map((c) => c.send(new GetSecretValueCommand({ SecretId: name }))),
      );
      expect(replicaValue?.VersionId).toBe(rotation.VersionId);
      expect(replicaValue?.SecretString).toBe(primaryValue?.SecretString);
      const [primaryStages, replicaStages] = await Promise.all(
        [client, replica].map(
          async (c) => (await c.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages,
        ),
      );
      expect(replicaStages).toEqual(primaryStages);
    } finally {
      replica.destroy();
    }
  });
});
