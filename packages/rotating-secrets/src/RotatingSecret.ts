import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Options of a {@link RotatingSecret}. */
export interface RotatingSecretOptions<T> {
  /** The secret's name or ARN. */
  readonly secretId: string;
  /**
   * Turns the secret string into the value the application uses, for example
   * {@link parsePostgresCredential}. Runs once per distinct string; what it throws reaches the caller
   * of `get`, so it must not put the value in its message.
   */
  readonly parse: (secretString: string) => T;
  /**
   * Seconds a read stays in Powertools' cache before `get` reads the secret again.
   *
   * @default 300
   */
  readonly maxAgeSeconds?: number;
  /**
   * A `refresh` this soon after the previous one returns that one's value instead of calling
   * Secrets Manager again.
   *
   * @default 1000
   */
  readonly minRefreshIntervalMs?: number;
  /**
   * The Secrets Manager client to read with.
   *
   * @default the client Powertools creates (Region, credentials and endpoint from the environment)
   */
  readonly client?: SecretsManagerClient;
}

/**
 * A secret read through Powertools' Secrets Manager provider and its `maxAge` cache. On top of it:
 * parsing once per value, a forced refresh that concurrent callers share (one call for a burst of
 * failures), and a read of AWSPENDING for the single-user rotation window. Values are never logged.
 *
 * Create it once (in module scope in a Lambda function) and share it: the cache lives in the instance.
 *
 * @example
 * ```ts
 * const apiKey = new RotatingSecret({
 *   secretId: 'prod/partner/api-key',
 *   parse: (text) => ({ token: String(JSON.parse(text).token) }),
 * });
 * const { token } = await apiKey.get();
 * ```
 */
export class RotatingSecret<T> {
  /** The secret's name or ARN, as given. */
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
  /** When the latest refresh's call began: its value is at least that recent. */
  #refreshStartedAt = 0;

  constructor(options: RotatingSecretOptions<T>) {
    this.secretId = options.secretId;
    this.#parse = options.parse;
    this.#maxAge = options.maxAgeSeconds ?? 300;
    this.#minRefreshIntervalMs = options.minRefreshIntervalMs ?? 1_000;
    const providerOptions = options.client === undefined ? {} : { awsSdkV3Client: options.client };
    this.#current = new SecretsProvider(providerOptions);
    this.#pending = new SecretsProvider(providerOptions);
  }

  /** AWSCURRENT, from the cache while it is younger than `maxAgeSeconds`; concurrent cold reads share one call. */
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

  /**
   * AWSCURRENT from Secrets Manager, bypassing the cache (and refilling it); one call however many
   * callers ask at once. Call it when the value in hand is rejected. With `since` (epoch ms), the
   * value comes from a call that began no earlier: a refresh just before does not do then, as
   * AWSCURRENT may have moved right after it.
   */
  async refresh(options: { readonly since?: number } = {}): Promise<T> {
    const since = options.since ?? 0;
    if (this.#refreshing !== undefined) {
      if (this.#refreshStartedAt >= since) return this.#refreshing;
      await this.#refreshing.catch(() => undefined);
      return this.refresh(options);
    }
    const recent = Date.now() - this.#refreshedAt < this.#minRefreshIntervalMs;
    if (recent && this.#refreshStartedAt >= since) return this.get();
    this.#refreshStartedAt = Date.now();
    this.#refreshing = this.#current
      .get(this.secretId, { maxAge: this.#maxAge, forceFetch: true })
      .then((raw) => this.#toValue(raw))
      .finally(() => {
        this.#refreshedAt = Date.now();
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  /**
   * AWSPENDING when a rotation has stored one, else `undefined` (also when it cannot be read).
   * Always a fresh read: between a single-user rotation's setSecret and finishSecret, it is the
   * value the database already accepts.
   */
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
