import { randomBytes } from 'node:crypto';
import { invalidRequest, notFound } from './AwsServiceError.js';
import { arnInRegion, regionOfArn } from './arns.js';
import { createManagedSecret, type ManagedSecretInput } from './createManagedSecret.js';
import type { Journal } from './Journal.js';
import { RegionalSecrets } from './RegionalSecrets.js';
import type { RotationHooks } from './RotationHooks.js';
import type { ReplicaStatus, SecretRecord } from './SecretRecord.js';

export interface LocalSecretsManagerOptions {
  /** The Region of requests that name none (unsigned requests) and of in-process calls by name. */
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
 * The state of every secret in every Region (a record's ARN carries its Region). Each change works
 * on a copy and is committed (and journaled) only when the whole operation succeeded, so a failed
 * call changes nothing. Requests see one Region at a time through `inRegion`.
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

  /** The secrets of one Region, as a request signed for that Region sees them. */
  inRegion(region: string): RegionalSecrets {
    return new RegionalSecrets(this, region);
  }

  now(): number {
    return this.#clock().getTime();
  }

  newArn(name: string, region = this.region): string {
    const suffix = [...randomBytes(6)]
      .map((b) => SUFFIX_ALPHABET.charAt(b % SUFFIX_ALPHABET.length))
      .join('');
    return `arn:aws:secretsmanager:${region}:${this.accountId}:secret:${name}-${suffix}`;
  }

  /**
   * By name, full ARN, or ARN without the random suffix, in `region` (default: the ARN's own
   * Region, else the default Region). Purges secrets whose deletion date passed.
   */
  find(secretId: string, region?: string): SecretRecord {
    const record = this.tryFind(secretId, region);
    if (record === undefined) throw notFound("Secrets Manager can't find the specified secret.");
    return record;
  }

  /** `find` without the exception: undefined when there is no such secret. */
  tryFind(secretId: string, region = regionOfArn(secretId) ?? this.region): SecretRecord | undefined {
    this.purgeExpired();
    const exact = this.#records.get(secretId);
    if (exact !== undefined && regionOfArn(exact.arn) === region) return exact;
    for (const record of this.#records.values()) {
      if (regionOfArn(record.arn) !== region) continue;
      if (record.name === secretId || record.arn.slice(0, -7) === secretId) return record;
    }
    return undefined;
  }

  /** Like `find`, but a secret scheduled for deletion is refused, as AWS refuses it. */
  findActive(secretId: string, region?: string): SecretRecord {
    const record = this.find(secretId, region);
    if (record.deletionDate !== undefined) {
      throw invalidRequest(
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return record;
  }

  /** Every secret, or those of one Region. */
  all(region?: string): SecretRecord[] {
    this.purgeExpired();
    const records = [...this.#records.values()];
    return region === undefined ? records : records.filter((record) => regionOfArn(record.arn) === region);
  }

  /** Runs `change` on a copy of the record and commits it only if `change` returns normally. */
  update<T>(record: SecretRecord, change: (draft: SecretRecord) => T): T {
    const draft = structuredClone(record);
    const result = change(draft);
    this.commit(draft);
    return result;
  }

  /** Stores the record; a primary's replicas follow it (value, labels, metadata, rotation). */
  commit(record: SecretRecord): void {
    this.#put(record);
    for (const replica of record.replicas ?? []) {
      if (replica.status === 'InSync') this.#put(this.#replicaOf(record, replica));
    }
  }

  /**
   * Stores a secret the way another AWS service creates one, which no API caller can do: RDS
   * making a master user secret (`rds!db-<uuid>`, OwningService `rds`, tagged
   * `aws:rds:primaryDBInstanceArn`). One AWSCURRENT version; journaled like every other change.
   * In-process only: no operation of the HTTP endpoint reaches it.
   */
  createManagedSecret(input: ManagedSecretInput): { arn: string; versionId: string } {
    return createManagedSecret(this.inRegion(this.region), input);
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

  #put(record: SecretRecord): void {
    this.#records.set(record.arn, record);
    this.#journal?.put(record, this.#records);
  }

  /**
   * The replica as the primary makes it: same name, versions and metadata, its own ARN (the
   * replica Region's), KMS key, creation date and access dates.
   */
  #replicaOf(primary: SecretRecord, status: ReplicaStatus): SecretRecord {
    const arn = arnInRegion(primary.arn, status.region);
    const existing = this.#records.get(arn);
    const accessed = new Map(existing?.versions.map((version) => [version.id, version.lastAccessedDate]));
    const {
      replicas: _replicas,
      kmsKeyId: _kmsKeyId,
      lastAccessedDate: _lastAccessedDate,
      ...copied
    } = structuredClone(primary);
    return {
      ...copied,
      arn,
      replicaOf: primary.arn,
      createdDate: existing?.createdDate ?? this.now(),
      ...(status.kmsKeyId === undefined ? {} : { kmsKeyId: status.kmsKeyId }),
      ...(existing?.lastAccessedDate === undefined ? {} : { lastAccessedDate: existing.lastAccessedDate }),
      versions: copied.versions.map(({ lastAccessedDate: _at, ...version }) => {
        const at = accessed.get(version.id);
        return at === undefined ? version : { ...version, lastAccessedDate: at };
      }),
    };
  }
}
