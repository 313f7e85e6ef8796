import {
  CreateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/startTestStack.js';

let now = Date.UTC(2026, 5, 1, 12);
let env: TestStack;
let stack: TestStack['stack'];
let client: SecretsManagerClient;

beforeAll(async () => {
  env = await startTestStack({ clock: () => new Date(now) });
  ({ stack, client } = env);
});
afterAll(async () => {
  await env?.close();
});

describe('scheduled rotation on the local stack', () => {
  it('rotates a secret once its NextRotationDate has passed, and schedules the next one', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'services/billing/prod/hmac',
        SecretString: '{"password":"scheduled-initial-1"}',
      }),
    );
    const arn = created.ARN ?? '';
    await client.send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:random-value',
        RotationRules: { ScheduleExpression: 'cron(0 3 ? * MON *)' },
        RotateImmediately: false,
      }),
    );
    const configured = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    // 2026-06-01 is a Monday: the next Monday 03:00 is the 8th.
    expect(configured.NextRotationDate).toEqual(new Date(Date.UTC(2026, 5, 8, 3)));
    expect(await stack.scheduler.runDueRotations()).toBe(0);

    now = Date.UTC(2026, 5, 8, 3, 1);
    expect(await stack.scheduler.runDueRotations()).toBe(1);
    const rotation = stack.runner.rotations(arn).find((r) => r.kind === 'rotation');
    await stack.runner.waitForRotation(arn, rotation?.versionId ?? '', 20_000);

    const rotated = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(rotated.LastRotatedDate).toEqual(new Date(now));
    expect(rotated.NextRotationDate).toEqual(new Date(Date.UTC(2026, 5, 15, 3)));
    expect(rotation?.trigger).toBe('schedule');
    expect(stack.runner.events().map((e) => e.detail.eventName)).toEqual([
      'TestRotationStarted',
      'TestRotationSucceeded',
      'RotationStarted',
      'RotationSucceeded',
    ]);
  });
});
