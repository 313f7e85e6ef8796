import type { PasswordPolicy } from '../passwords/PasswordPolicy.js';
import type { SecretMetadata, Stage } from './SecretMetadata.js';

/** One stored version's value. `value` is secret: never log it or put it in an error. */
export interface SecretVersionValue {
  readonly versionId: string;
  readonly value: string;
}

/**
 * Which version to read: by label, by id, or both (then Secrets Manager checks the label is on that
 * version). A read by id alone always returns the same value, since a version's value never changes.
 */
export type VersionSelector =
  | { readonly versionId?: undefined; readonly stage: Stage }
  | { readonly versionId: string; readonly stage?: Stage };

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

/** The store the functions are given: the engine's operations and GetRandomPassword. */
export interface SecretService extends SecretStore {
  getRandomPassword(policy: PasswordPolicy): Promise<string>;
}
