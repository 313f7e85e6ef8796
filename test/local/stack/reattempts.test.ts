import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  InvalidRequestException,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import type { RotationRecord } from '../../../local/runner/RotationRecord.js';
import type { RotationStep } from '../../../shared/rotation/RotationEvent.js';
import { StepBreaker } from '../../support/StepBreaker.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

const RANDOM_VALUE = 'arn:aws:lambda:us-east-1:000000000000:function:random-value';
const REATTEMPT = { delayMs: 400, maxDelayMs: 1_600 };
const breaker = new StepBreaker();
const dataDirs: string[] = [];
let env: TestStack;

/** The local stack checking for due rotations and reattempts every 50 ms. */
const startStack = (dataDir?: string, schedulerIntervalMs = 50) =>
  startTestStack({
    retry: { maxAttempts: 2, baseDelayMs: 10 },
    reattempt: REATTEMPT,
    schedulerIntervalMs,
    createInvoker: (options) => breaker.wrap(createFunctionInvoker(options)),
    ...(dataDir === undefined ? {} : { dataDir }),
  });

beforeAll(async () => {
  env = await startStack();
});
afterAll(async () => {
  await env?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function startFailingRotation(stack: TestStack, name: string, step: RotationStep) {
  const created = await stack.client.send(
    new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ password: `${name}-initial-1` }) }),
  );
  const arn = created.ARN ?? '';
  breaker.set(arn, step);
  const out = await stack.client.send(
    new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: RANDOM_VALUE }),
  );
  const versionId = out.VersionId ?? '';
  await expect(stack.stack.runner.waitForRotation(arn, versionId, 10_000)).rejects.toThrow(
    'Runtime.ExitError',
  );
  return { arn, versionId };
}

const runsOf = (stack: TestStack, arn: string): readonly RotationRecord[] =>
  stack.stack.runner.rotations(arn).filter((r) => r.kind === 'rotation');

describe('a rotation whose attempts are used up', () => {
  it('is reattempted with the same version, waiting longer after each failure, until it succeeds', async () => {
    const { arn, versionId } = await startFailingRotation(env, 'reattempt/until-mended', 'setSecret');

    const refused = await env.client
      .send(new RotateSecretCommand({ SecretId: arn }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidRequestException);
    expect((refused as Error).message).toBe(
      "A previous rotation isn't complete. That rotation will be reattempted.",
    );
    await until(() => runsOf(env, arn).filter((r) => r.outcome === 'failed').length >= 3, 10_000);
    breaker.set(arn, undefined);
    await until(() => runsOf(env, arn).some((r) => r.outcome === 'succeeded'), 10_000);

    const runs = runsOf(env, arn);
    expect(runs.map((r) => r.trigger)).toEqual(['api', ...runs.slice(1).map(() => 'reattempt')]);
    expect(new Set(runs.map((r) => r.versionId))).toEqual(new Set([versionId]));
    // Each wait is counted from the end of the failed run before it, and doubles: 400, 800, 1600 ms.
    const waits = runs
      .slice(1)
      .map((run, i) => Date.parse(run.startedAt) - Date.parse(runs[i]?.endedAt ?? run.startedAt));
    expect(waits[0]).toBeGreaterThanOrEqual(REATTEMPT.delayMs);
    expect(waits[1]).toBeGreaterThanOrEqual(2 * REATTEMPT.delayMs);
    expect(waits[2]).toBeGreaterThanOrEqual(REATTEMPT.maxDelayMs);
    const described = await env.client.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(described.VersionIdsToStages?.[versionId]).toContain('AWSCURRENT');
    expect(described.LastRotatedDate).toBeInstanceOf(Date);
    const events = env.stack.runner
      .events()
      .filter((e) => e.resources.includes(arn))
      .map((e) => e.detail.eventName);
    expect(events.at(-1)).toBe('RotationSucceeded');
    expect(events.filter((e) => e === 'RotationFailed')).toHaveLength(runs.length - 1);
  }, 30_000);

  it('is not reattempted once rotation is turned off (CancelRotateSecret)', async () => {
    const { arn } = await startFailingRotation(env, 'reattempt/cancelled', 'createSecret');

    await env.client.send(new CancelRotateSecretCommand({ SecretId: arn }));
    await sleep(REATTEMPT.delayMs * 3);

    expect(runsOf(env, arn)).toHaveLength(1);
    expect(breaker.invocations(arn, 'createSecret')).toBe(2);
  });

  it('is reattempted after a restart of the stack, counted from when its version was staged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reattempt-'));
    dataDirs.push(dataDir);
    const before = await startStack(dataDir, 0);
    const { arn, versionId } = await startFailingRotation(before, 'reattempt/after-restart', 'testSecret');
    await before.close();
    breaker.set(arn, undefined);

    const after = await startStack(dataDir);
    try {
      await until(() => runsOf(after, arn).some((r) => r.outcome === 'succeeded'), 10_000);
      expect(runsOf(after, arn).map((r) => [r.trigger, r.versionId])).toEqual([['reattempt', versionId]]);
    } finally {
      await after.close();
    }
  });
});
