import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RotationRequest } from '../../../local/endpoint/RotationHooks.js';
import type { FunctionInvoker, InvocationResult } from '../../../local/lambda/createFunctionInvoker.js';
import { RotationRunner } from '../../../local/runner/RotationRunner.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const VERSION = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';

/** A rotation request as the endpoint makes it; `completed` lists the rotations it was told finished. */
function request(overrides: Partial<RotationRequest> = {}, completed: string[] = []): RotationRequest {
  return {
    secretArn: ARN,
    secretName: 'app/db',
    versionId: VERSION,
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:random-value',
    rotateImmediately: true,
    trigger: 'api',
    complete: () => void completed.push(`${ARN}:${VERSION}`),
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

function runner(invoker: FunctionInvoker, maxAttempts = 3) {
  return new RotationRunner({
    invoker,
    region: 'us-east-1',
    accountId: '000000000000',
    retry: { maxAttempts, baseDelayMs: 5 },
  });
}

describe('RotationRunner', () => {
  it('runs the four steps in order with one token and one RotationToken, then completes the rotation', async () => {
    const { invoker, events } = fakeInvoker();
    const completed: string[] = [];
    const r = runner(invoker);

    await r.onRotateSecret(request({}, completed));
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
    const r = runner(invoker);

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
    const completed: string[] = [];
    const r = runner(invoker, 2);

    await r.onRotateSecret(request({}, completed));

    await expect(r.waitForRotation(ARN, VERSION, 2_000)).rejects.toThrow('StepError: testSecret failed');
    expect(completed).toEqual([]);
    const failed = r.events().find((e) => e.detail.eventName === 'RotationFailed');
    expect(failed?.detail.errorMessage).toBe('StepError: testSecret failed');
  });

  it('runs only testSecret for a configuration test and rejects when it fails', async () => {
    const { invoker, events } = fakeInvoker(['testSecret']);
    const r = runner(invoker);

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
    const r = runner(invoker);

    await r.onRotateSecret(request());
    expect(r.isRotating(ARN)).toBe(true);
    await r.onRotateSecret(request());
    await r.waitForRotation(ARN, VERSION, 2_000);
    await r.close();

    expect(events).toHaveLength(4);
    expect(r.isRotating(ARN)).toBe(false);
  });

  it('counts the failed runs of a rotation, and a reattempt runs it again with the same version', async () => {
    const { invoker, events } = fakeInvoker(['testSecret', 'testSecret']);
    const r = runner(invoker, 2);
    expect(r.failedRuns(ARN, VERSION)).toEqual({ count: 0 });

    await r.onRotateSecret(request());
    await expect(r.waitForRotation(ARN, VERSION, 2_000)).rejects.toThrow();
    const failed = r.failedRuns(ARN, VERSION);
    await r.onRotateSecret(request({ trigger: 'reattempt' }));
    await r.waitForRotation(ARN, VERSION, 2_000);

    expect(failed.count).toBe(1);
    expect(failed.lastEndedAt).toBeInstanceOf(Date);
    expect(r.failedRuns(ARN, VERSION).count).toBe(1);
    expect(r.rotations(ARN).map((record) => [record.trigger, record.outcome])).toEqual([
      ['api', 'failed'],
      ['reattempt', 'succeeded'],
    ]);
    expect(new Set(events.map((e) => e.event['ClientRequestToken']))).toEqual(new Set([VERSION]));
    expect(r.events().map((e) => e.detail.eventName)).toEqual([
      'RotationStarted',
      'RotationFailed',
      'RotationStarted',
      'RotationSucceeded',
    ]);
  });

  it('counts a running configuration test as rotating, so its temporary version is never reattempted', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const invoker: FunctionInvoker = {
      ...fakeInvoker().invoker,
      async invoke() {
        await gate;
        return { ok: true, result: null };
      },
    };
    const r = runner(invoker);

    const test = r.onRotateSecret(request({ rotateImmediately: false }));
    expect(r.isRotating(ARN)).toBe(true);
    release();
    await test;

    expect(r.isRotating(ARN)).toBe(false);
  });

  it('appends finished records, errors included, and events to its data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runner-'));
    const { invoker } = fakeInvoker(['testSecret']);
    const r = new RotationRunner({ invoker, region: 'us-east-1', accountId: '000000000000', dataDir });

    await expect(r.onRotateSecret(request({ rotateImmediately: false }))).rejects.toThrow();

    const lines = (file: string) =>
      readFileSync(join(dataDir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines('rotations.jsonl')).toMatchObject([
      {
        kind: 'configuration-test',
        outcome: 'failed',
        error: { type: 'StepError', message: 'testSecret failed' },
      },
    ]);
    expect(lines('events.jsonl').map((e) => (e['detail'] as { eventName: string }).eventName)).toEqual([
      'TestRotationStarted',
      'TestRotationFailed',
    ]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
