import { randomBytes } from 'node:crypto';
import { invalidRequest, notFound } from './AwsServiceError.js';
import { createManagedSecret, type ManagedSecretInput } from './createManagedSecret.js';
import type { Journal } from './Journal.js';
import type { RotationHooks } from './RotationHooks.js';
import type { SecretRecord } from './SecretRecord.js';

export interface LocalSecretsManagerOptions {
  readonly region: string;
  readonly accountId: string;
  readonly clock: () => Date;
  readonly journal?: Journal;
  readonly records?: Map<string, SecretRecord>;
  readonly hooks?: RotationHooks;
  /** Secrets Manager's own events that happen outside a rotation run (RotationAbandoned). */
  readonly onEvent?: (eventName: string, secretArn: string, versionId: string | undefined) => void;
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The state of every secret. Each change works on a copy and is committed (and journaled) only
 * when the whole operation succeeded, so a failed call changes nothing.
 */
export class LocalSecretsManager {
  readonly region: string;
  readonly accountId: string;
  readonly hooks: RotationHooks | undefined;
  readonly onEvent: LocalSecretsManagerOptions['onEvent'];
  readonly #clock: () => Date;
  readonly #journal: Journal | undefined;
  readonly #records: Map<string, SecretRecord>;

  constructor(options: LocalSecretsManagerOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.hooks = options.hooks;
    this.onEvent = options.onEvent;
    this.#clock = options.clock;
    this.#journal = options.journal;
    this.#records = options.records ?? new Map();
  }

  now(): number {
    return this.#clock().getTime();
  }

  newArn(name: string): string {
    const suffix = [...randomBytes(6)]
      .map((b) => SUFFIX_ALPHABET.charAt(b % SUFFIX_ALPHABET.length))
      .join('');
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`;
  }

  /** By name, full ARN, or ARN without the random suffix. Purges secrets whose deletion date passed. */
  find(secretId: string): SecretRecord {
    this.purgeExpired();
    const exact = this.#records.get(secretId);
    if (exact !== undefined) return exact;
    for (const record of this.#records.values()) {
      if (record.name === secretId || record.arn.slice(0, -7) === secretId) return record;
    }
    throw notFound("Secrets Manager can't find the specified secret.");
  }

  /** Like `find`, but a secret scheduled for deletion is refused, as AWS refuses it. */
  findActive(secretId: string): SecretRecord {
    const record = this.find(secretId);
    if (record.deletionDate !== undefined) {
      throw invalidRequest(
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return record;
  }

  all(): SecretRecord[] {
    this.purgeExpired();
    return [...this.#records.values()];
  }

  /** Runs `change` on a copy of the record and commits it only if `change` returns normally. */
  update<T>(record: SecretRecord, change: (draft: SecretRecord) => T): T {
    const draft = structuredClone(record);
    const result = change(draft);
    this.commit(draft);
    return result;
  }

  commit(record: SecretRecord): void {
    this.#records.set(record.arn, record);
    this.#journal?.put(record, this.#records);
  }

  /**
   * Stores a secret the way another AWS service creates one, which no API caller can do: RDS
   * making a master user secret (`rds!db-<uuid>`, OwningService `rds`, tagged
   * `aws:rds:primaryDBInstanceArn`). One AWSCURRENT version; journaled like every other change.
   * In-process only: no operation of the HTTP endpoint reaches it.
   */
  createManagedSecret(input: ManagedSecretInput): { arn: string; versionId: string } {
    return createManagedSecret(this, input);
  }

  remove(arn: string): void {
    if (this.#records.delete(arn)) this.#journal?.remove(arn, this.#records);
  }

  purgeExpired(): void {
    const now = this.now();
    for (const record of [...this.#records.values()]) {
      if (record.deletionDate !== undefined && record.deletionDate <= now) this.remove(record.arn);
    }
  }

  close(): void {
    this.#journal?.close();
  }
}
