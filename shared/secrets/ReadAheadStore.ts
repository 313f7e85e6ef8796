import { AsyncLocalStorage } from 'node:async_hooks';
import type { PasswordPolicy } from '../passwords/PasswordPolicy.js';
import type { SecretMetadata } from './SecretMetadata.js';
import type { SecretService, SecretStore, SecretVersionValue, VersionSelector } from './SecretStore.js';

type Read = Promise<SecretVersionValue | undefined>;

interface InvocationReads {
  /** Reads started ahead, by secret and exact selector; each is handed out once. */
  readonly started: Map<string, { readonly secretId: string; readonly read: Read }>;
  readonly describes: Map<string, Promise<SecretMetadata>>;
  /** Values seen in this invocation by secret and version id: a version's value never changes. */
  readonly versions: Map<string, SecretVersionValue>;
  /** Another id of a secret (the ARN DescribeSecret returned) → the id its reads were started under. */
  readonly aliases: Map<string, string>;
}

const selectorKey = (secretId: string, selector: VersionSelector) =>
  `${secretId}\n${selector.stage ?? ''}\n${selector.versionId ?? ''}`;
const versionKey = (secretId: string, versionId: string) => `${secretId}\n${versionId}`;

/**
 * Starts reads before a step knows it will use them, so they share one round trip with the
 * DescribeSecret that decides. A read by label is handed out once, to the first call asking for
 * exactly it; a read by version id alone is answered from any read of this invocation that returned
 * that version. Reads belong to the invocation that started them (AsyncLocalStorage), so concurrent
 * invocations in one process never share one, and whatever is not asked for is dropped unused.
 * Writes always go straight through.
 */
export class ReadAheadStore implements SecretService {
  readonly #inner: SecretStore & Partial<Pick<SecretService, 'getRandomPassword'>>;
  readonly #scope = new AsyncLocalStorage<InvocationReads>();
  /** False: every read is made when asked for, one after the other (fewer requests, more latency). */
  readonly enabled: boolean;

  constructor(
    inner: SecretStore & Partial<Pick<SecretService, 'getRandomPassword'>>,
    options: { readonly enabled: boolean },
  ) {
    this.#inner = inner;
    this.enabled = options.enabled;
  }

  /** Runs one invocation with reads of its own. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.#scope.run(
      { started: new Map(), describes: new Map(), versions: new Map(), aliases: new Map() },
      work,
    );
  }

  prefetchValue(secretId: string, selector: VersionSelector): void {
    const reads = this.#ahead();
    if (reads === undefined) return;
    const key = selectorKey(secretId, selector);
    if (reads.started.has(key)) return;
    reads.started.set(key, { secretId, read: quiet(this.#read(reads, secretId, selector)) });
  }

  prefetchDescribe(secretId: string): void {
    const reads = this.#ahead();
    if (reads === undefined || reads.describes.has(secretId)) return;
    reads.describes.set(secretId, quiet(this.#inner.describe(secretId)));
  }

  /** Reads asked for under `otherId` are those started under `secretId` (the same secret). */
  alias(otherId: string, secretId: string): void {
    if (otherId !== secretId) this.#scope.getStore()?.aliases.set(otherId, secretId);
  }

  describe(secretId: string): Promise<SecretMetadata> {
    const reads = this.#scope.getStore();
    const id = reads?.aliases.get(secretId) ?? secretId;
    const started = reads?.describes.get(id);
    if (reads === undefined || started === undefined) return this.#inner.describe(secretId);
    reads.describes.delete(id);
    return started;
  }

  async getValue(secretId: string, selector: VersionSelector): Promise<SecretVersionValue | undefined> {
    const reads = this.#scope.getStore();
    if (reads === undefined) return this.#inner.getValue(secretId, selector);
    const id = reads.aliases.get(secretId) ?? secretId;
    const key = selectorKey(id, selector);
    const started = reads.started.get(key);
    if (started !== undefined) {
      // Once: a later read by label (after a write, say) must ask Secrets Manager again.
      reads.started.delete(key);
      return started.read;
    }
    if (selector.stage === undefined) {
      const byVersion = versionKey(id, selector.versionId);
      if (!reads.versions.has(byVersion)) {
        const inFlight = [...reads.started.values()].filter((s) => s.secretId === id).map((s) => s.read);
        await Promise.allSettled(inFlight);
      }
      const seen = reads.versions.get(byVersion);
      if (seen !== undefined) return seen;
    }
    return this.#read(reads, secretId, selector);
  }

  putPending(secretId: string, versionId: string, value: string, rotationToken: string | undefined) {
    return this.#inner.putPending(secretId, versionId, value, rotationToken);
  }

  moveCurrent(secretId: string, toVersionId: string, fromVersionId: string | undefined) {
    return this.#inner.moveCurrent(secretId, toVersionId, fromVersionId);
  }

  getRandomPassword(policy: PasswordPolicy): Promise<string> {
    if (this.#inner.getRandomPassword === undefined) {
      return Promise.reject(new Error('This store cannot generate passwords'));
    }
    return this.#inner.getRandomPassword(policy);
  }

  async #read(reads: InvocationReads, secretId: string, selector: VersionSelector): Read {
    const value = await this.#inner.getValue(secretId, selector);
    if (value !== undefined) {
      reads.versions.set(versionKey(reads.aliases.get(secretId) ?? secretId, value.versionId), value);
    }
    return value;
  }

  #ahead(): InvocationReads | undefined {
    return this.enabled ? this.#scope.getStore() : undefined;
  }
}

/** A read nobody asks for must not surface as an unhandled rejection; whoever asks still sees its error. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
