import { describe, expect, it } from 'vitest';
import { RotationScheduler, type ScheduledRotations } from '../../../local/runner/RotationScheduler.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';

function fakeRotations(due: string[]) {
  const started: string[] = [];
  const rotations: ScheduledRotations = {
    dueRotations: () => due.map((secretArn) => ({ secretArn })),
    startScheduledRotation: async (arn) => {
      started.push(arn);
      if (arn.endsWith('broken')) throw new Error('the secret was deleted meanwhile');
      return 'version-1';
    },
  };
  return { rotations, started };
}

describe('RotationScheduler', () => {
  it('starts the rotations the endpoint reports as due', async () => {
    const { rotations, started } = fakeRotations([ARN, `${ARN}2`]);
    const scheduler = new RotationScheduler({ rotations, isRotating: () => false });

    expect(await scheduler.runDueRotations()).toBe(2);
    expect(started).toEqual([ARN, `${ARN}2`]);
  });

  it('leaves a secret whose rotation is running alone', async () => {
    const { rotations, started } = fakeRotations([ARN, `${ARN}2`]);
    const scheduler = new RotationScheduler({ rotations, isRotating: (arn) => arn === ARN });

    expect(await scheduler.runDueRotations()).toBe(1);
    expect(started).toEqual([`${ARN}2`]);
  });

  it('goes on with the next secret when one cannot start', async () => {
    const { rotations, started } = fakeRotations([`${ARN}broken`, ARN]);
    const scheduler = new RotationScheduler({ rotations, isRotating: () => false });

    await scheduler.runDueRotations();

    expect(started).toEqual([`${ARN}broken`, ARN]);
  });
});

describe('RotationScheduler reattempts', () => {
  const VERSION = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
  const STAGED = Date.UTC(2026, 5, 1, 12);
  const MINUTE = 60_000;

  /** One unfinished rotation staged at STAGED, with the failed runs given (end times in minutes). */
  function unfinished(failedAtMinutes: number[], now: { value: number }, running = false) {
    const reattempted: string[] = [];
    const scheduler = new RotationScheduler({
      rotations: fakeRotations([]).rotations,
      isRotating: () => running,
      clock: () => new Date(now.value),
      reattempt: { delayMs: 5 * MINUTE, maxDelayMs: 12 * MINUTE },
      unfinished: {
        unfinishedRotations: () => [{ secretArn: ARN, versionId: VERSION, stagedAt: new Date(STAGED) }],
        reattemptRotation: async (arn, versionId) => void reattempted.push(`${arn}:${versionId}`),
        failedRuns: () => {
          const last = failedAtMinutes.at(-1);
          return {
            count: failedAtMinutes.length,
            ...(last === undefined ? {} : { lastEndedAt: new Date(STAGED + last * MINUTE) }),
          };
        },
      },
    });
    return { scheduler, reattempted };
  }

  it('reattempts a failed rotation with its own version once the delay after the failure has passed', async () => {
    const now = { value: STAGED + 5 * MINUTE };
    const { scheduler, reattempted } = unfinished([1], now);

    expect(await scheduler.runReattempts()).toBe(0);
    now.value = STAGED + 6 * MINUTE;
    expect(await scheduler.runReattempts()).toBe(1);

    expect(reattempted).toEqual([`${ARN}:${VERSION}`]);
  });

  it('doubles the wait after each failed reattempt, up to the maximum', async () => {
    const now = { value: STAGED + 3 * MINUTE + 10 * MINUTE - 1 };
    // Failed three times: the wait is 5 × 2² = 20 minutes, capped at 12.
    const { scheduler } = unfinished([1, 2, 3], now);
    expect(await scheduler.runReattempts()).toBe(0);
    now.value = STAGED + 3 * MINUTE + 12 * MINUTE;
    expect(await scheduler.runReattempts()).toBe(1);

    const second = unfinished([1, 2], { value: STAGED + 2 * MINUTE + 10 * MINUTE - 1 });
    expect(await second.scheduler.runReattempts()).toBe(0);
  });

  it('counts from when the version was staged when no run of it ever failed (the stack stopped mid-rotation)', async () => {
    const now = { value: STAGED + 5 * MINUTE - 1 };
    const { scheduler, reattempted } = unfinished([], now);

    expect(await scheduler.runReattempts()).toBe(0);
    now.value = STAGED + 5 * MINUTE;
    expect(await scheduler.runReattempts()).toBe(1);
    expect(reattempted).toHaveLength(1);
  });

  it('leaves a rotation that is running alone', async () => {
    const { scheduler, reattempted } = unfinished([1], { value: STAGED + 60 * MINUTE }, true);

    expect(await scheduler.runReattempts()).toBe(0);
    expect(reattempted).toEqual([]);
  });

  it('reattempts nothing without the endpoint and runner behind it', async () => {
    const scheduler = new RotationScheduler({
      rotations: fakeRotations([]).rotations,
      isRotating: () => false,
    });

    expect(await scheduler.runReattempts()).toBe(0);
  });
});
