import { invalidParameter } from './AwsServiceError.js';
import type { LocalSecretsManager } from './LocalSecretsManager.js';
import type { SecretRecord } from './SecretRecord.js';

/**
 * One Region of the local Secrets Manager: what a request signed for that Region sees. Secrets,
 * names and ARNs of other Regions are invisible here, as they are to a regional AWS endpoint.
 */
export class RegionalSecrets {
  constructor(
    readonly store: LocalSecretsManager,
    readonly region: string,
  ) {}

  get accountId(): string {
    return this.store.accountId;
  }

  get hooks() {
    return this.store.hooks;
  }

  get onEvent() {
    return this.store.onEvent;
  }

  now(): number {
    return this.store.now();
  }

  newArn(name: string): string {
    return this.store.newArn(name, this.region);
  }

  find(secretId: string): SecretRecord {
    return this.store.find(secretId, this.region);
  }

  tryFind(secretId: string): SecretRecord | undefined {
    return this.store.tryFind(secretId, this.region);
  }

  findActive(secretId: string): SecretRecord {
    return this.store.findActive(secretId, this.region);
  }

  /** An active secret this Region may change: a replica only follows its primary. */
  findWritable(secretId: string): SecretRecord {
    const record = this.findActive(secretId);
    if (record.replicaOf !== undefined) {
      throw invalidParameter(
        "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
      );
    }
    return record;
  }

  all(): SecretRecord[] {
    return this.store.all(this.region);
  }

  update<T>(record: SecretRecord, change: (draft: SecretRecord) => T): T {
    return this.store.update(record, change);
  }

  commit(record: SecretRecord): void {
    this.store.commit(record);
  }

  remove(arn: string): void {
    this.store.remove(arn);
  }
}
