import { randomUUID } from 'node:crypto';
import { jsonLinesWriter } from './jsonLinesWriter.js';
import type { RotationEventName, RotationEventRecord } from './RotationRecord.js';

export interface RotationEventLogOptions {
  readonly region: string;
  readonly accountId: string;
  readonly clock: () => Date;
  /** Events kept in memory; the oldest go first. */
  readonly historyLimit: number;
  /** Where `events.jsonl` is appended; in memory only when absent. */
  readonly dataDir?: string;
  readonly logSink?: (line: string) => void;
}

export type RotationEventListener = (event: RotationEventRecord) => void;

/** The rotation events Secrets Manager sends to EventBridge, kept, persisted, logged and announced. */
export class RotationEventLog {
  readonly #options: RotationEventLogOptions;
  readonly #events: RotationEventRecord[] = [];
  readonly #listeners = new Set<RotationEventListener>();
  readonly #persist: (entry: object) => void;

  constructor(options: RotationEventLogOptions) {
    this.#options = options;
    this.#persist = jsonLinesWriter(options.dataDir, 'events.jsonl');
  }

  publish(eventName: RotationEventName, secretArn: string, versionId?: string, errorMessage?: string): void {
    const event: RotationEventRecord = {
      id: randomUUID(),
      time: this.#options.clock().toISOString(),
      source: 'aws.secretsmanager',
      'detail-type': 'AWS Service Event via CloudTrail',
      // A secret's events come from its own Region.
      region: secretArn.split(':')[3] || this.#options.region,
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
    if (this.#events.length > this.#options.historyLimit) this.#events.shift();
    this.#persist(event);
    this.#options.logSink?.(
      `[rotation] ${eventName} ${secretArn} ${versionId ?? ''}${errorMessage ? ` ${errorMessage}` : ''}`,
    );
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: RotationEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  events(): readonly RotationEventRecord[] {
    return [...this.#events];
  }
}
