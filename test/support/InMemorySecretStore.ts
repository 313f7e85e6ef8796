import { SecretsManagerCallError } from '../../shared/secrets/errors.js';
import type { SecretMetadata } from '../../shared/secrets/SecretMetadata.js';
import type { SecretStore, SecretVersionValue, VersionSelector } from '../../shared/secrets/SecretStore.js';
import { auditSecrets } from '../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';

interface FakeVersion {
  value: string | undefined;
  stages: Set<string>;
}

type Operation = 'describe' | 'getValue' | 'putPending' | 'moveCurrent';

interface Fault {
  /** An operation name, or the index of the call counted from now. */
  readonly operation: Operation | number;
  /** `before`: the call fails and changes nothing; `after`: the change is applied, then the response is lost. */
  readonly when: 'before' | 'after';
  readonly error: Error;
}

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** What the real store throws when Secrets Manager fails: a wrapped AWS exception. */
function serviceError(): Error {
  return new SecretsManagerCallError('SomeOperation', 'app/db', awsError('InternalServiceError', 'boom'));
}

/** The ARN of the one secret an in-memory store holds. */
export const IN_MEMORY_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';

/**
 * Secrets Manager's version and label rules for one secret, in memory, with fault injection.
 * Mirrors the rules the engine relies on: immutable versions, one holder per label,
 * AWSPREVIOUS following AWSCURRENT, RemoveFromVersionId checked.
 */
export class InMemorySecretStore implements SecretStore {
  readonly arn = IN_MEMORY_SECRET_ARN;
  rotationEnabled = true;
  readonly versions = new Map<string, FakeVersion>();
  readonly calls: Operation[] = [];
  readonly #faults: Fault[] = [];

  addVersion(versionId: string, value: string | undefined, stages: readonly string[]): this {
    if (value !== undefined) auditSecrets(sensitiveStrings(value));
    for (const stage of stages) this.#detach(stage);
    this.versions.set(versionId, { value, stages: new Set(stages) });
    return this;
  }

  failNext(operation: Operation, when: Fault['when'] = 'before', error = serviceError()): void {
    this.#faults.push({ operation, when, error });
  }

  /** Fails the call `index` calls from now (0 = the next call), whatever its operation. */
  failAtCall(index: number, when: Fault['when'], error = serviceError()): void {
    this.#faults.push({ operation: this.calls.length + index, when, error });
  }

  /** Labels per version, for comparing whole states. */
  snapshot(): Record<string, { value: string | undefined; stages: string[] }> {
    return Object.fromEntries(
      [...this.versions].map(([id, v]) => [id, { value: v.value, stages: [...v.stages].sort() }]),
    );
  }

  valueAt(stage: string): string | undefined {
    return [...this.versions.values()].find((v) => v.stages.has(stage))?.value;
  }

  async describe(): Promise<SecretMetadata> {
    return this.#run('describe', () => ({
      arn: this.arn,
      name: 'app/db',
      rotationEnabled: this.rotationEnabled,
      tags: new Map<string, string>(),
      versions: new Map(
        [...this.versions]
          .filter(([, v]) => v.stages.size > 0)
          .map(([id, v]) => [id, [...v.stages]] as [string, string[]]),
      ),
    }));
  }

  async getValue(_secretId: string, selector: VersionSelector): Promise<SecretVersionValue | undefined> {
    return this.#run('getValue', () => {
      const entry = [...this.versions].find(
        ([id, v]) =>
          (selector.versionId === undefined || id === selector.versionId) &&
          (selector.stage === undefined || v.stages.has(selector.stage)),
      );
      if (entry === undefined || entry[1].value === undefined) return undefined;
      return { versionId: entry[0], value: entry[1].value };
    });
  }

  async putPending(secretId: string, versionId: string, value: string): Promise<void> {
    auditSecrets(sensitiveStrings(value));
    return this.#run('putPending', () => {
      const existing = this.versions.get(versionId);
      if (existing?.value !== undefined && existing.value !== value) {
        throw new SecretsManagerCallError(
          'PutSecretValue',
          secretId,
          awsError('ResourceExistsException', 'exists'),
        );
      }
      this.#detach('AWSPENDING');
      if (existing === undefined) this.versions.set(versionId, { value, stages: new Set(['AWSPENDING']) });
      else {
        existing.value = value;
        existing.stages.add('AWSPENDING');
      }
    });
  }

  async moveCurrent(secretId: string, toVersionId: string, fromVersionId: string | undefined): Promise<void> {
    return this.#run('moveCurrent', () => {
      const holder = [...this.versions].find(([, v]) => v.stages.has('AWSCURRENT'))?.[0];
      const target = this.versions.get(toVersionId);
      if (
        target === undefined ||
        (holder !== undefined && holder !== fromVersionId && holder !== toVersionId)
      ) {
        throw new SecretsManagerCallError(
          'UpdateSecretVersionStage',
          secretId,
          awsError('InvalidParameterException', 'label is attached elsewhere'),
        );
      }
      if (holder === toVersionId) return;
      this.#detach('AWSCURRENT');
      target.stages.add('AWSCURRENT');
      if (holder !== undefined) {
        this.#detach('AWSPREVIOUS');
        this.versions.get(holder)?.stages.add('AWSPREVIOUS');
      }
    });
  }

  #detach(stage: string): void {
    for (const version of this.versions.values()) version.stages.delete(stage);
  }

  async #run<T>(operation: Operation, apply: () => T): Promise<T> {
    const callIndex = this.calls.length;
    this.calls.push(operation);
    const index = this.#faults.findIndex(
      (fault) => fault.operation === operation || fault.operation === callIndex,
    );
    const fault = index === -1 ? undefined : this.#faults.splice(index, 1)[0];
    if (fault?.when === 'before') throw fault.error;
    const result = apply();
    if (fault?.when === 'after') throw fault.error;
    return result;
  }
}
