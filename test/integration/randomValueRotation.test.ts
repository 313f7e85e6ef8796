import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, METRICS } from '../../shared/metrics/metricNames.js';
import { ROTATION_STEPS } from '../../shared/rotation/RotationEvent.js';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { emfRecords } from '../support/emfRecords.js';
import { startTestStack, type TestStack } from '../support/startTestStack.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:random-value';

let env: TestStack;
let client: SecretsManagerClient;
let stack: TestStack['stack'];

beforeAll(async () => {
  env = await startTestStack();
  ({ client, stack } = env);
});

afterAll(async () => {
  await env?.close();
});

/** Every value ever stored for the secret, and its credential-like fields. */
async function storedSecrets(secretId: string): Promise<string[]> {
  const versions = await client.send(
    new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true }),
  );
  const found: string[] = [];
  for (const version of versions.Versions ?? []) {
    const value = await client
      .send(new GetSecretValueCommand({ SecretId: secretId, VersionId: version.VersionId }))
      .catch(() => undefined);
    if (value?.SecretString !== undefined) found.push(...sensitiveStrings(value.SecretString));
  }
  return found;
}

describe('random-value rotation through RotateSecret on the local stack', () => {
  it('rotates the secret with the built bundle and moves every label', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'services/orders/dev/signing-key',
        SecretString: JSON.stringify({ password: 'initial-signing-key-0001', owner: 'orders' }),
      }),
    );
    const secretArn = created.ARN ?? '';

    const rotation = await client.send(
      new RotateSecretCommand({
        SecretId: secretArn,
        RotationLambdaARN: FUNCTION_ARN,
        RotationRules: { AutomaticallyAfterDays: 7 },
      }),
    );
    await stack.runner.waitForRotation(secretArn, rotation.VersionId ?? '', 20_000);

    const current = await client.send(
      new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }),
    );
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSPREVIOUS' }),
    );
    const value = JSON.parse(current.SecretString ?? '{}') as { password: string; owner: string };
    expect(current.VersionId).toBe(rotation.VersionId);
    expect(previous.VersionId).toBe(created.VersionId);
    expect(value.password).toHaveLength(32);
    expect(value.password).not.toBe('initial-signing-key-0001');
    expect(value.owner).toBe('orders');

    const described = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
    expect(described.RotationEnabled).toBe(true);
    expect(described.LastRotatedDate).toBeInstanceOf(Date);
    expect(described.NextRotationDate?.getTime()).toBeGreaterThan(Date.now());
    expect(
      Object.values(described.VersionIdsToStages ?? {})
        .flat()
        .sort(),
    ).toEqual(['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS']);
  });

  it('rotates again from the new current value, and the oldest version loses its label', async () => {
    const secretId = 'services/orders/dev/signing-key';
    const before = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
    );

    const rotation = await client.send(new RotateSecretCommand({ SecretId: secretId }));
    const arn = before.ARN ?? '';
    await stack.runner.waitForRotation(arn, rotation.VersionId ?? '', 20_000);

    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.VersionId).toBe(before.VersionId);
    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    expect(Object.keys(described.VersionIdsToStages ?? {})).toHaveLength(2);
  });

  it('survives the configuration test of RotateImmediately=false without changing the value', async () => {
    const secretId = 'services/orders/dev/signing-key';
    const before = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
    );

    await client.send(
      new RotateSecretCommand({
        SecretId: secretId,
        RotateImmediately: false,
        RotationRules: { AutomaticallyAfterDays: 1 },
      }),
    );

    const after = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
    );
    expect(after.VersionId).toBe(before.VersionId);
    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    const stages = described.VersionIdsToStages ?? {};
    const pendingHolder = Object.keys(stages).find((id) => stages[id]?.includes('AWSPENDING'));
    // The temporary test version is gone: AWSPENDING is nowhere, or still on the current version.
    expect([undefined, after.VersionId]).toContain(pendingHolder);
    expect(Object.keys(stages)).toHaveLength(2);
  });

  it('leaves no secret value in any log line of the functions or the stack', async () => {
    const secrets = await storedSecrets('services/orders/dev/signing-key');
    const output = [...env.log, ...stack.invoker.output('random-value')].join('\n');

    expect(secrets.length).toBeGreaterThanOrEqual(3);
    expect(output).toContain('Step completed');
    assertNoSecretLeaks(output, secrets);
  });

  it('writes a metrics record per step, whole lines the local runtime passes on, naming no secret', async () => {
    const lines = stack.invoker.output('random-value');
    const records = emfRecords(lines.join('\n'));
    const steps = records.filter((r) => METRICS.StepInvocations.name in r);

    expect(new Set(steps.map((r) => r['step']))).toEqual(new Set(ROTATION_STEPS));
    expect(steps.every((r) => r['function'] === 'random-value')).toBe(true);
    expect(records.every((r) => r._aws.CloudWatchMetrics[0]?.Namespace === DEFAULT_METRICS_NAMESPACE)).toBe(
      true,
    );
    expect(records.some((r) => r[METRICS.RotationsCompleted.name] === 1)).toBe(true);
    const text = records.map((r) => JSON.stringify(r)).join('\n');
    expect(text).not.toContain('services/orders');
    assertNoSecretLeaks(text, await storedSecrets('services/orders/dev/signing-key'));
  });
});
