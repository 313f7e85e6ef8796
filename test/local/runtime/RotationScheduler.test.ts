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
