import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROTATION_STEPS, type RotationStep } from '../../shared/rotation/RotationEvent.js';
import type { FunctionInvoker } from '../lambda/createFunctionInvoker.js';
import type { RotationHooks, RotationRequest } from '../secrets-manager/RotationHooks.js';
import type { RotationEventName, RotationEventRecord, RotationRecord } from './RotationRecord.js';

/** What the runner needs from the local Secrets Manager. */
export interface RotationStore {
  completeRotation(secretArn: string, versionId: string, at: Date): void;
  dueRotations(now: Date): ReadonlyArray<{ readonly secretArn: string; readonly functionArn: string }>;
  startScheduledRotation(secretArn: string): Promise<string>;
}

export interface RetryPolicy {
  /** Attempts of the whole step sequence per rotation. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubled each time, with up to 50% random jitter added. */
  readonly baseDelayMs: number;
}

export interface RotationRunnerOptions {
  readonly invoker: FunctionInvoker;
  readonly region: string;
  readonly accountId: string;
  readonly retry?: RetryPolicy;
  readonly clock?: () => Date;
  readonly dataDir?: string;
  readonly logSink?: (line: string) => void;
  readonly historyLimit?: number;
  /** Awaited after every invocation, before the next one, e.g. to check invariants between steps. */
  readonly afterInvocation?: (invocation: InvocationOutcome) => Promise<void> | void;
}

export interface InvocationOutcome {
  readonly secretArn: string;
  readonly versionId: string;
  readonly step: RotationStep;
  readonly attempt: number;
  readonly ok: boolean;
  readonly errorType?: string;
}

type Listener = (event: RotationEventRecord) => void;

/**
 * Runs rotations the way Secrets Manager does: the four steps in order with one token, retried
 * from createSecret on failure (steps are idempotent), one rotation per secret at a time.
 */
export class RotationRunner implements RotationHooks {
  store: RotationStore | undefined;
  readonly #options: RotationRunnerOptions;
  readonly #retry: RetryPolicy;
  readonly #clock: () => Date;
  readonly #records: RotationRecord[] = [];
  readonly #events: RotationEventRecord[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #running = new Map<string, Promise<void>>();
  #scheduler: NodeJS.Timeout | undefined;

  constructor(options: RotationRunnerOptions) {
    this.#options = options;
    this.#retry = options.retry ?? { maxAttempts: 3, baseDelayMs: 1_000 };
    this.#clock = options.clock ?? (() => new Date());
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  }

  async onRotateSecret(request: RotationRequest): Promise<void> {
    if (!request.rotateImmediately) return this.#configurationTest(request);
    if (this.#running.has(request.secretArn)) return;
    const run = this.#rotate(request).finally(() => this.#running.delete(request.secretArn));
    this.#running.set(request.secretArn, run);
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
      const find = () =>
        this.#records.findLast(
          (r) => r.secretArn === secretArn && r.versionId === versionId && r.kind === 'rotation',
        );
      if (settle(find())) return;
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`Rotation ${versionId} of ${secretArn} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.subscribe(() => {
        if (settle(find())) {
          clearTimeout(timer);
          unsubscribe();
        }
      });
    });
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  rotations(secretId?: string): readonly RotationRecord[] {
    return this.#records.filter(
      (r) =>
        secretId === undefined || r.secretArn === secretId || r.secretArn.includes(`:secret:${secretId}-`),
    );
  }

  events(): readonly RotationEventRecord[] {
    return [...this.#events];
  }

  /** Publishes an event that happened in the endpoint itself (a manual change abandoning a rotation). */
  publish(eventName: RotationEventName, secretArn: string, versionId?: string, errorMessage?: string): void {
    const event: RotationEventRecord = {
      id: randomUUID(),
      time: this.#clock().toISOString(),
      source: 'aws.secretsmanager',
      'detail-type': 'AWS Service Event via CloudTrail',
      region: this.#options.region,
      account: this.#options.accountId,
      resources: [secretArn],
      detail: {
        eventName,
        eventSource: 'secretsmanager.amazonaws.com',
        additionalEventData: {
          SecretId: secretArn,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        },
        ...(errorMessage === undefined ? {} : { errorMessage }),
      },
    };
    this.#events.push(event);
    if (this.#events.length > (this.#options.historyLimit ?? 1_000)) this.#events.shift();
    this.#persist('events.jsonl', event);
    this.#options.logSink?.(
      `[rotation] ${eventName} ${secretArn} ${versionId ?? ''}${errorMessage ? ` ${errorMessage}` : ''}`,
    );
    for (const listener of this.#listeners) listener(event);
  }

  /** Checks every `intervalMs` for secrets whose NextRotationDate has passed. */
  startScheduler(intervalMs: number): void {
    this.#scheduler = setInterval(() => void this.runDueRotations(), intervalMs);
    this.#scheduler.unref();
  }

  async runDueRotations(): Promise<number> {
    const store = this.store;
    if (store === undefined) return 0;
    let started = 0;
    for (const due of store.dueRotations(this.#clock())) {
      if (this.#running.has(due.secretArn)) continue;
      await store.startScheduledRotation(due.secretArn).catch(() => undefined);
      started++;
    }
    return started;
  }

  /** Waits for running rotations, for a clean shutdown. */
  async close(): Promise<void> {
    if (this.#scheduler !== undefined) clearInterval(this.#scheduler);
    await Promise.allSettled([...this.#running.values()]);
  }

  #newRecord(request: RotationRequest, kind: RotationRecord['kind']): RotationRecord {
    const record: RotationRecord = {
      secretArn: request.secretArn,
      versionId: request.versionId,
      functionArn: request.functionArn,
      trigger: request.trigger,
      kind,
      startedAt: this.#clock().toISOString(),
      outcome: 'running',
      attempts: 0,
      steps: [],
    };
    this.#records.push(record);
    if (this.#records.length > (this.#options.historyLimit ?? 1_000)) this.#records.shift();
    return record;
  }

  async #rotate(request: RotationRequest): Promise<void> {
    const record = this.#newRecord(request, 'rotation');
    this.publish('RotationStarted', request.secretArn, request.versionId);
    const rotationToken = randomUUID();
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      record.attempts = attempt;
      const failed = await this.#runSteps(request, record, ROTATION_STEPS, attempt, rotationToken);
      if (failed === undefined) {
        this.store?.completeRotation(request.secretArn, request.versionId, this.#clock());
        this.#finish(record, 'succeeded');
        this.publish('RotationSucceeded', request.secretArn, request.versionId);
        return;
      }
      record.error = failed;
      if (attempt < this.#retry.maxAttempts) {
        const delay = this.#retry.baseDelayMs * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay * 0.5));
      }
    }
    this.#finish(record, 'failed');
    this.publish(
      'RotationFailed',
      request.secretArn,
      request.versionId,
      `${record.error?.type}: ${record.error?.message}`,
    );
  }

  async #configurationTest(request: RotationRequest): Promise<void> {
    const record = this.#newRecord(request, 'configuration-test');
    record.attempts = 1;
    this.publish('TestRotationStarted', request.secretArn, request.versionId);
    const failed = await this.#runSteps(request, record, ['testSecret'], 1, randomUUID());
    this.#finish(record, failed === undefined ? 'succeeded' : 'failed');
    if (failed === undefined) {
      this.publish('TestRotationSucceeded', request.secretArn, request.versionId);
      return;
    }
    record.error = failed;
    this.publish(
      'TestRotationFailed',
      request.secretArn,
      request.versionId,
      `${failed.type}: ${failed.message}`,
    );
    throw new Error(`${failed.type}: ${failed.message}`);
  }

  async #runSteps(
    request: RotationRequest,
    record: RotationRecord,
    steps: readonly RotationStep[],
    attempt: number,
    rotationToken: string,
  ): Promise<{ type: string; message: string } | undefined> {
    const functionName = request.functionArn.split(':')[6] ?? '';
    for (const step of steps) {
      const startedAt = this.#clock().toISOString();
      const started = performance.now();
      const event = {
        Step: step,
        SecretId: request.secretArn,
        ClientRequestToken: request.versionId,
        RotationToken: rotationToken,
      };
      let result: Awaited<ReturnType<FunctionInvoker['invoke']>>;
      try {
        result = await this.#options.invoker.invoke(functionName, event, request.functionArn);
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        result = { ok: false, errorType: err.name, errorMessage: err.message };
      }
      const durationMs = Math.round(performance.now() - started);
      await this.#options.afterInvocation?.({
        secretArn: request.secretArn,
        versionId: request.versionId,
        step,
        attempt,
        ok: result.ok,
        ...(result.ok ? {} : { errorType: result.errorType }),
      });
      if (result.ok) {
        record.steps.push({ step, attempt, startedAt, durationMs, outcome: 'succeeded' });
        continue;
      }
      record.steps.push({
        step,
        attempt,
        startedAt,
        durationMs,
        outcome: 'failed',
        errorType: result.errorType,
        errorMessage: result.errorMessage,
      });
      return { type: result.errorType, message: result.errorMessage };
    }
    return undefined;
  }

  #finish(record: RotationRecord, outcome: 'succeeded' | 'failed'): void {
    record.outcome = outcome;
    record.endedAt = this.#clock().toISOString();
    this.#persist('rotations.jsonl', record);
  }

  #persist(file: string, entry: object): void {
    if (this.#options.dataDir !== undefined)
      appendFileSync(join(this.#options.dataDir, file), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }
}
