import { setTimeout as sleep } from 'node:timers/promises';
import { GetSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationStep } from '../../shared/rotation/RotationEvent.js';
import { recordFigures } from '../support/recordFigures.js';
import { CredentialWatch } from './healing/CredentialWatch.js';
import { type HealingLanes, startHealingLanes } from './healing/startHealingLanes.js';
import { eventually, unfinishedVersion } from './healing/unfinishedVersion.js';

/** How long the server stays down once stopped. */
const DOWN_MS = 1_500;
const REATTEMPT = { delayMs: 500, maxDelayMs: 2_000 };
/** Where each step of each secret's rotation started, as an index into its lane's calls. */
const marks = new Map<string, Array<{ readonly step: string; readonly at: number }>>();
let lanes: HealingLanes;

beforeAll(async () => {
  lanes = await startHealingLanes({
    retry: { maxAttempts: 3, baseDelayMs: 50 },
    reattempt: REATTEMPT,
    schedulerIntervalMs: 100,
    functionEnvironment: { PG_CONNECT_TIMEOUT_MS: '2000', PG_STATEMENT_TIMEOUT_MS: '2000' },
    onInvoke: (functionName, event) => {
      const at = lanes.lane(functionName).plan.calls.length;
      marks.set(event.SecretId, [...(marks.get(event.SecretId) ?? []), { step: event.Step, at }]);
    },
  });
}, 120_000);

afterAll(async () => {
  await lanes?.close();
});

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

async function rotate(arn: string, functionName: string): Promise<string> {
  const out = await lanes.env.client.send(
    new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fn(functionName) }),
  );
  return out.VersionId ?? '';
}

/** The rotation of `versionId` finished: it is AWSCURRENT and no AWSPENDING is left elsewhere. */
const finished = (arn: string, versionId: string) => async () =>
  (await unfinishedVersion(lanes.env.client, arn)) === undefined &&
  (await lanes.env.client.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId === versionId;

/**
 * The call to fault: the password change of setSecret (single user's ALTER ROLE; alternating users'
 * batch, which on a first rotation begins with CREATE ROLE), or the first database call of testSecret.
 */
function callIn(
  step: RotationStep,
  calls: readonly string[],
  stepMarks: ReadonlyArray<{ step: string; at: number }>,
) {
  const start = stepMarks.find((m) => m.step === step)?.at ?? -1;
  const end = stepMarks.find((m) => m.at > start && m.step !== step)?.at ?? calls.length;
  const wanted = (label: string) =>
    step === 'setSecret'
      ? label === 'postgres ALTER ROLE' || label === 'postgres CREATE ROLE'
      : label.startsWith('postgres ');
  const index = calls.findIndex((label, i) => i >= start && i < end && wanted(label));
  return index;
}

describe('Postgres restarted in the middle of a rotation', () => {
  it.each([
    ['postgres-single-user', 'setSecret'],
    ['postgres-single-user', 'testSecret'],
    ['postgres-alternating-users', 'setSecret'],
    ['postgres-alternating-users', 'testSecret'],
  ] as const)(
    '%s, server stopped during %s and started again: the rotation converges with every invariant kept',
    async (functionName, step) => {
      const lane = lanes.lane(functionName);
      const client = lanes.env.client;
      const single = functionName === 'postgres-single-user';
      const probe = await lane.subject(`restart/${functionName}/probe-${step}`);
      lane.plan.arm();
      const probeVersion = await rotate(probe.arn, functionName);
      expect(await eventually(finished(probe.arn, probeVersion), 30_000)).toBe(true);
      const index = callIn(step, lane.plan.calls, marks.get(probe.arn) ?? []);
      expect(index).toBeGreaterThanOrEqual(0);

      const subject = await lane.subject(`restart/${functionName}/${step}`);
      let restarted: Promise<number> | undefined;
      const killFunctions = lane.plan.kill;
      // The answer to the faulted call is lost as the server goes down: after it was carried out.
      lane.plan.kill = async () => {
        await lanes.postgres.stop();
        restarted = (async () => {
          await sleep(DOWN_MS);
          await lanes.postgres.start();
          return Date.now();
        })();
      };
      lane.plan.arm({ index, kind: 'kill-after' });
      const watch = new CredentialWatch(client, [
        {
          arn: subject.arn,
          rule: single ? 'window' : 'never-lost',
          probe: (value) =>
            lanes.postgres
              .canLogin(String(value['username']), String(value['password']))
              .catch(() => undefined),
        },
      ]);
      watch.start(50);
      try {
        const versionId = await rotate(subject.arn, functionName);
        const converged = await eventually(finished(subject.arn, versionId), 60_000);
        const convergedAt = Date.now();
        const restartedAt = await restarted;
        await watch.checkNow();
        await watch.stop();
        const hit = lane.plan.hit;
        const runs = lanes.env.stack.runner.rotations(subject.arn).filter((r) => r.kind === 'rotation');
        const violations = [...watch.violations, ...(converged ? await subject.after(versionId) : [])];
        recordFigures('postgres-restart', {
          function: functionName,
          step,
          call: hit?.label,
          downMs: DOWN_MS,
          runs: runs.length,
          reattempts: runs.filter((r) => r.trigger === 'reattempt').length,
          convergedAfterRestartMs: restartedAt === undefined ? null : Math.max(0, convergedAt - restartedAt),
          longestWindowMs: single ? watch.longestWindowMs() : 0,
          violations: violations.length,
        });

        expect(hit?.index).toBe(index);
        expect(restartedAt).toBeDefined();
        expect(converged).toBe(true);
        expect(violations).toEqual([]);
        // The first run used up its attempts while the server was down: a reattempt finished it.
        expect(runs[0]?.outcome).toBe('failed');
        expect(runs.at(-1)).toMatchObject({ trigger: 'reattempt', outcome: 'succeeded' });
        // Bounded: the server's downtime, a reattempt's wait at most, and one run.
        expect(convergedAt - (restartedAt ?? 0)).toBeLessThan(REATTEMPT.maxDelayMs + 10_000);
        if (single) expect(watch.longestWindowMs()).toBeLessThan(DOWN_MS + REATTEMPT.maxDelayMs + 15_000);
      } finally {
        await watch.stop();
        await restarted;
        lane.plan.kill = killFunctions;
        lane.plan.arm();
      }
    },
    120_000,
  );
});
