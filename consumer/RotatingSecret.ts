import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface RotatingSecretOptions<T> {
  readonly secretId: string;
  /** Turns the secret string into the value the application uses; runs once per distinct string. */
  readonly parse: (secretString: string) => T;
  /** Seconds a read stays in Powertools' cache. Default 300. */
  readonly maxAgeSeconds?: number;
  /** A refresh right after another returns the fresh value instead of calling again. Default 1000 ms. */
  readonly minRefreshIntervalMs?: number;
  readonly client?: SecretsManagerClient;
}

/**
 * A secret read through Powertools' Secrets Manager provider and its `maxAge` cache. On top of
 * it: parsing once per value, a forced refresh that concurrent callers share (one call for a
 * burst of failures), and a read of AWSPENDING for the single-user rotation window.
 * Values are never logged.
 */
export class RotatingSecret<T> {
  readonly secretId: string;
  readonly #parse: (secretString: string) => T;
  readonly #maxAge: number;
  readonly #minRefreshIntervalMs: number;
  readonly #current: SecretsProvider;
  // Powertools caches by name and transform only: a pending read through the same provider
  // would replace the cached AWSCURRENT, so it gets its own.
  readonly #pending: SecretsProvider;
  #parsed: { readonly raw: string; readonly value: T } | undefined;
  #refreshing: Promise<T> | undefined;
  #getting: Promise<T> | undefined;
  #refreshedAt = 0;

  constructor(options: RotatingSecretOptions<T>) {
    this.secretId = options.secretId;
    this.#parse = options.parse;
    this.#maxAge = options.maxAgeSeconds ?? 300;
    this.#minRefreshIntervalMs = options.minRefreshIntervalMs ?? 1_000;
    const providerOptions = options.client === undefined ? {} : { awsSdkV3Client: options.client };
    this.#current = new SecretsProvider(providerOptions);
    this.#pending = new SecretsProvider(providerOptions);
  }

  /** AWSCURRENT, from the cache while it is younger than maxAge; concurrent cold reads share one call. */
  get(): Promise<T> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    this.#getting ??= this.#current
      .get(this.secretId, { maxAge: this.#maxAge })
      .then((raw) => this.#toValue(raw))
      .finally(() => {
        this.#getting = undefined;
      });
    return this.#getting;
  }

  /** AWSCURRENT from Secrets Manager, bypassing the cache; one call however many callers ask at once. */
  refresh(): Promise<T> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    if (Date.now() - this.#refreshedAt < this.#minRefreshIntervalMs) return this.get();
    this.#refreshing = this.#current
      .get(this.secretId, { maxAge: this.#maxAge, forceFetch: true })
      .then((raw) => this.#toValue(raw))
      .finally(() => {
        this.#refreshedAt = Date.now();
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  /** AWSPENDING when a rotation has stored one, else undefined. Always a fresh read. */
  async pending(): Promise<T | undefined> {
    try {
      const raw = await this.#pending.get(this.secretId, {
        forceFetch: true,
        sdkOptions: { VersionStage: 'AWSPENDING' },
      });
      return raw === undefined ? undefined : this.#parse(String(raw));
    } catch {
      // No AWSPENDING (or not readable): there is no rotation window to bridge.
      return undefined;
    }
  }

  #toValue(raw: unknown): T {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw as Uint8Array).toString('utf8');
    if (this.#parsed?.raw !== text) this.#parsed = { raw: text, value: this.#parse(text) };
    return this.#parsed.value;
  }
}
