import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROTATION_STEPS } from '../../shared/rotation/RotationEvent.js';
import type { RotationHooks, RotationRequest } from '../endpoint/RotationHooks.js';
import type { FunctionInvoker } from '../lambda/createFunctionInvoker.js';
import { invokeSteps, type StepRun } from './invokeSteps.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './RetryPolicy.js';
import { type RotationEventListener, RotationEventLog } from './RotationEventLog.js';
import { RotationHistory } from './RotationHistory.js';
import type { RotationEventName, RotationEventRecord, RotationRecord } from './RotationRecord.js';

export interface RotationRunnerOptions {
  readonly invoker: FunctionInvoker;
  readonly region: string;
  readonly accountId: string;
  readonly retry?: RetryPolicy;
  readonly clock?: () => Date;
  /** Where rotation records and events are appended; in memory only when absent. */
  readonly dataDir?: string;
  readonly logSink?: (line: string) => void;
  /** Records and events kept in memory. Default 1,000 each. */
  readonly historyLimit?: number;
}

/**
 * Runs rotations the way Secrets Manager does: the four steps in order with one token, retried
 * from createSecret on failure (steps are idempotent), one rotation per secret at a time. A run
 * whose attempts are all used up ends with RotationFailed; the scheduler reattempts it later
 * (RotationScheduler.runReattempts) with the same token.
 */
export class RotationRunner implements RotationHooks {
  readonly #invoker: FunctionInvoker;
  readonly #retry: RetryPolicy;
  readonly #clock: () => Date;
  readonly #history: RotationHistory;
  readonly #log: RotationEventLog;
  readonly #running = new Map<string, Promise<void>>();
  /** Secrets whose configuration test runs: their temporary AWSPENDING is no rotation to reattempt. */
  readonly #testing = new Set<string>();

  constructor(options: RotationRunnerOptions) {
    this.#invoker = options.invoker;
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#clock = options.clock ?? (() => new Date());
    const kept = {
      clock: this.#clock,
      historyLimit: options.historyLimit ?? 1_000,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    };
    this.#history = new RotationHistory(kept);
    this.#log = new RotationEventLog({
      ...kept,
      region: options.region,
      accountId: options.accountId,
      ...(options.logSink === undefined ? {} : { logSink: options.logSink }),
    });
  }

  async onRotateSecret(request: RotationRequest): Promise<void> {
    if (!request.rotateImmediately) {
      this.#testing.add(request.secretArn);
      try {
        return await this.#configurationTest(request);
      } finally {
        this.#testing.delete(request.secretArn);
      }
    }
    if (this.isRotating(request.secretArn)) return;
    const run = this.#rotate(request).finally(() => this.#running.delete(request.secretArn));
    this.#running.set(request.secretArn, run);
  }

  /** Whether a rotation or a configuration test of the secret is running. */
  isRotating(secretArn: string): boolean {
    return this.#running.has(secretArn) || this.#testing.has(secretArn);
  }

  /** The runs of the rotation of `versionId` that failed (all attempts used), and when the last ended. */
  failedRuns(secretArn: string, versionId: string): { count: number; lastEndedAt?: Date } {
    const failed = this.#history
      .list(secretArn)
      .filter(
        (r) =>
          r.secretArn === secretArn &&
          r.versionId === versionId &&
          r.kind === 'rotation' &&
          r.outcome === 'failed',
      );
    const endedAt = failed.at(-1)?.endedAt;
    return { count: failed.length, ...(endedAt === undefined ? {} : { lastEndedAt: new Date(endedAt) }) };
  }

  /** Resolves when the rotation of `versionId` succeeded; rejects with its error or on timeout. */
  waitForRotation(secretArn: string, versionId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (record: RotationRecord | undefined): boolean => {
        if (record === undefined || record.outcome === 'running') return false;
        if (record.outcome === 'succeeded') resolve();
        else
          reject(new Error(`Rotation ${versionId} failed: ${record.error?.type}: ${record.error?.message}`));
        return true;
      };
      if (settle(this.#history.rotation(secretArn, versionId))) return;
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`Rotation ${versionId} of ${secretArn} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.subscribe(() => {
        if (settle(this.#history.rotation(secretArn, versionId))) {
          clearTimeout(timer);
          unsubscribe();
        }
      });
    });
  }

  subscribe(listener: RotationEventListener): () => void {
    return this.#log.subscribe(listener);
  }

  rotations(secretId?: string): readonly RotationRecord[] {
    return this.#history.list(secretId);
  }

  events(): readonly RotationEventRecord[] {
    return this.#log.events();
  }

  /** Publishes an event that happened in the endpoint itself (a manual change abandoning a rotation). */
  publish(eventName: RotationEventName, secretArn: string, versionId?: string): void {
    this.#log.publish(eventName, secretArn, versionId);
  }

  /** Waits for running rotations, for a clean shutdown. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
  }

  async #rotate(request: RotationRequest): Promise<void> {
    const record = this.#history.start(request, 'rotation');
    this.#log.publish('RotationStarted', request.secretArn, request.versionId);
    const rotationToken = randomUUID();
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      record.attempts = attempt;
      const failed = await invokeSteps(
        this.#stepRun(request, record, attempt, rotationToken),
        ROTATION_STEPS,
      );
      if (failed === undefined) {
        request.complete(this.#clock());
        this.#history.finish(record, 'succeeded');
        this.#log.publish('RotationSucceeded', request.secretArn, request.versionId);
        return;
      }
      record.error = failed;
      if (attempt < this.#retry.maxAttempts) await sleep(retryDelayMs(this.#retry, attempt));
    }
    this.#history.finish(record, 'failed');
    const { type, message } = record.error ?? { type: 'Error', message: 'no attempt ran' };
    this.#log.publish('RotationFailed', request.secretArn, request.versionId, `${type}: ${message}`);
  }

  async #configurationTest(request: RotationRequest): Promise<void> {
    const record = this.#history.start(request, 'configuration-test');
    record.attempts = 1;
    this.#log.publish('TestRotationStarted', request.secretArn, request.versionId);
    const failed = await invokeSteps(this.#stepRun(request, record, 1, randomUUID()), ['testSecret']);
    if (failed === undefined) {
      this.#history.finish(record, 'succeeded');
      this.#log.publish('TestRotationSucceeded', request.secretArn, request.versionId);
      return;
    }
    record.error = failed;
    this.#history.finish(record, 'failed');
    const reason = `${failed.type}: ${failed.message}`;
    this.#log.publish('TestRotationFailed', request.secretArn, request.versionId, reason);
    throw new Error(reason);
  }

  #stepRun(
    request: RotationRequest,
    record: RotationRecord,
    attempt: number,
    rotationToken: string,
  ): StepRun {
    return { invoker: this.#invoker, clock: this.#clock, request, record, attempt, rotationToken };
  }
}
