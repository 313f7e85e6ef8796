import type { SecretMetadata, Stage } from './SecretMetadata.js';

/** One stored version's value. `value` is secret: never log it or put it in an error. */
export interface SecretVersionValue {
  readonly versionId: string;
  readonly value: string;
}

export interface VersionSelector {
  readonly versionId?: string;
  readonly stage: Stage;
}

/** What the rotation engine needs from Secrets Manager, as small domain results. */
export interface SecretStore {
  describe(secretId: string): Promise<SecretMetadata>;
  /** The version's string value, or `undefined` when that version or label has no value. */
  getValue(secretId: string, selector: VersionSelector): Promise<SecretVersionValue | undefined>;
  /** Stores `value` as version `versionId` labelled AWSPENDING. */
  putPending(
    secretId: string,
    versionId: string,
    value: string,
    rotationToken: string | undefined,
  ): Promise<void>;
  /** Moves AWSCURRENT; Secrets Manager then puts AWSPREVIOUS on the version that lost it. */
  moveCurrent(secretId: string, toVersionId: string, fromVersionId: string | undefined): Promise<void>;
}
