import { describe, expect, it } from 'vitest';
import type { FunctionInvoker, InvocationResult } from '../../../local/lambda/createFunctionInvoker.js';
import { RotationRunner, type RotationStore } from '../../../local/runner/RotationRunner.js';
import type { RotationRequest } from '../../../local/secrets-manager/RotationHooks.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const VERSION = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';

function request(overrides: Partial<RotationRequest> = {}): RotationRequest {
  return {
    secretArn: ARN,
    secretName: 'app/db',
    versionId: VERSION,
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:random-value',
    rotateImmediately: true,
    trigger: 'api',
    ...overrides,
  };
}

/** An invoker that records events and fails the listed steps, once per listed occurrence. */
function fakeInvoker(failures: string[] = []) {
  const events: Array<{ name: string; event: Record<string, string> }> = [];
  const invoker: FunctionInvoker = {
    async invoke(name, event) {
      const e = event as Record<string, string>;
      events.push({ name, event: e });
      const at = failures.indexOf(e['Step'] ?? '');
      if (at !== -1) {
        failures.splice(at, 1);
        return {
          ok: false,
          errorType: 'StepError',
          errorMessage: `${e['Step']} failed`,
        } satisfies InvocationResult;
      }
      return { ok: true, result: null };
    },
    output: () => [],
    kill: async () => 0,
    close: async () => undefined,
  };
  return { invoker, events };
}

function fakeStore(due: string[] = []) {
  const completed: string[] = [];
  const scheduled: string[] = [];
  const store: RotationStore = {
    completeRotation: (arn, versionId) => void completed.push(`${arn}:${versionId}`),
    dueRotations: () => due.map((secretArn) => ({ secretArn, functionArn: 'f' })),
    startScheduledRotation: async (arn) => {
      scheduled.push(arn);
      return VERSION;
    },
  };
  return { store, completed, scheduled };
}

function runner(invoker: FunctionInvoker, store: RotationStore, maxAttempts = 3) {
  const r = new RotationRunner({
    invoker,
    region: 'us-east-1',
    accountId: '000000000000',
    retry: { maxAttempts, baseDelayMs: 5 },
  });
  r.store = store;
  return r;
}

describe('RotationRunner', () => {
  it('runs the four steps in order with one token and one RotationToken, then completes the rotation', async () => {
    const { invoker, events } = fakeInvoker();
    const { store, completed } = fakeStore();
    const r = runner(invoker, store);

    await r.onRotateSecret(request());
    await r.waitForRotation(ARN, VERSION, 2_000);

    expect(events.map((e) => e.event['Step'])).toEqual([
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ]);
    expect(new Set(events.map((e) => e.event['ClientRequestToken']))).toEqual(new Set([VERSION]));
    expect(new Set(events.map((e) => e.event['RotationToken'])).size).toBe(1);
    expect(events[0]?.name).toBe('random-value');
    expect(completed).toEqual([`${ARN}:${VERSION}`]);
    expect(r.events().map((e) => e.detail.eventName)).toEqual(['RotationStarted', 'RotationSucceeded']);
    expect(r.rotations(ARN)[0]).toMatchObject({ outcome: 'succeeded', attempts: 1, kind: 'rotation' });
  });

  it('retries from createSecret after a failed step and records both attempts', async () => {
    const { invoker, events } = fakeInvoker(['setSecret']);
    const r = runner(invoker, fakeStore().store);

    await r.onRotateSecret(request());
    await r.waitForRotation(ARN, VERSION, 2_000);

    expect(events.map((e) => e.event['Step'])).toEqual([
      'createSecret',
      'setSecret',
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ]);
    const record = r.rotations(ARN)[0];
    expect(record?.attempts).toBe(2);
    expect(record?.steps.filter((s) => s.outcome === 'failed')).toMatchObject([
      { step: 'setSecret', attempt: 1, errorType: 'StepError' },
    ]);
  });

  it('gives up after the last attempt, publishes RotationFailed and does not complete the rotation', async () => {
    const { invoker } = fakeInvoker(['testSecret', 'testSecret']);
    const { store, completed } = fakeStore();
    const r = runner(invoker, store, 2);

    await r.onRotateSecret(request());

    await expect(r.waitForRotation(ARN, VERSION, 2_000)).rejects.toThrow('StepError: testSecret failed');
    expect(completed).toEqual([]);
    const failed = r.events().find((e) => e.detail.eventName === 'RotationFailed');
    expect(failed?.detail.errorMessage).toBe('StepError: testSecret failed');
  });

  it('runs only testSecret for a configuration test and rejects when it fails', async () => {
    const { invoker, events } = fakeInvoker(['testSecret']);
    const r = runner(invoker, fakeStore().store);

    await expect(r.onRotateSecret(request({ rotateImmediately: false }))).rejects.toThrow(
      'testSecret failed',
    );
    await expect(r.onRotateSecret(request({ rotateImmediately: false }))).resolves.toBeUndefined();

    expect(events.map((e) => e.event['Step'])).toEqual(['testSecret', 'testSecret']);
    expect(r.events().map((e) => e.detail.eventName)).toEqual([
      'TestRotationStarted',
      'TestRotationFailed',
      'TestRotationStarted',
      'TestRotationSucceeded',
    ]);
  });

  it('runs one rotation per secret at a time', async () => {
    const { invoker, events } = fakeInvoker();
    const r = runner(invoker, fakeStore().store);

    await r.onRotateSecret(request());
    await r.onRotateSecret(request());
    await r.waitForRotation(ARN, VERSION, 2_000);
    await r.close();

    expect(events).toHaveLength(4);
  });

  it('starts the rotations the store reports as due', async () => {
    const { invoker } = fakeInvoker();
    const { store, scheduled } = fakeStore([ARN, `${ARN}2`]);
    const r = runner(invoker, store);

    expect(await r.runDueRotations()).toBe(2);
    expect(scheduled).toEqual([ARN, `${ARN}2`]);
  });
});
