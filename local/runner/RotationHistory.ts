import type { RotationRequest } from '../endpoint/RotationHooks.js';
import { jsonLinesWriter } from './jsonLinesWriter.js';
import type { RotationRecord } from './RotationRecord.js';

export interface RotationHistoryOptions {
  readonly clock: () => Date;
  /** Records kept in memory; the oldest go first. */
  readonly historyLimit: number;
  /** Where finished records are appended (`rotations.jsonl`); in memory only when absent. */
  readonly dataDir?: string;
}

/** Every rotation and configuration test the runner started, as operators see them. */
export class RotationHistory {
  readonly #options: RotationHistoryOptions;
  readonly #records: RotationRecord[] = [];
  readonly #persist: (entry: object) => void;

  constructor(options: RotationHistoryOptions) {
    this.#options = options;
    this.#persist = jsonLinesWriter(options.dataDir, 'rotations.jsonl');
  }

  start(request: RotationRequest, kind: RotationRecord['kind']): RotationRecord {
    const record: RotationRecord = {
      secretArn: request.secretArn,
      versionId: request.versionId,
      functionArn: request.functionArn,
      trigger: request.trigger,
      kind,
      startedAt: this.#options.clock().toISOString(),
      outcome: 'running',
      attempts: 0,
      steps: [],
    };
    this.#records.push(record);
    if (this.#records.length > this.#options.historyLimit) this.#records.shift();
    return record;
  }

  finish(record: RotationRecord, outcome: 'succeeded' | 'failed'): void {
    record.outcome = outcome;
    record.endedAt = this.#options.clock().toISOString();
    this.#persist(record);
  }

  /** The latest rotation (not configuration test) of `versionId`. */
  rotation(secretArn: string, versionId: string): RotationRecord | undefined {
    return this.#records.findLast(
      (r) => r.secretArn === secretArn && r.versionId === versionId && r.kind === 'rotation',
    );
  }

  /** By secret ARN or name; all when `secretId` is absent. */
  list(secretId?: string): readonly RotationRecord[] {
    return this.#records.filter(
      (r) =>
        secretId === undefined || r.secretArn === secretId || r.secretArn.includes(`:secret:${secretId}-`),
    );
  }
}
