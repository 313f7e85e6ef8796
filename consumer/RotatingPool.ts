import pg from 'pg';
import { credentialHash } from './credentialHash.js';
import { TlsConfigError } from './errors.js';
import type { PostgresCredential } from './PostgresCredential.js';
import { loadTlsSettings, type PostgresTlsOptions, postgresTls, type TlsSettings } from './postgresTls.js';
import type { RotatingSecret } from './RotatingSecret.js';
import { effectiveTlsMode } from './TlsMode.js';

export type RotatingPoolConfig = Omit<
  pg.PoolConfig,
  'user' | 'password' | 'host' | 'port' | 'database' | 'ssl' | 'connectionString'
> & {
  /** Default `{ mode: 'verify-full' }` with PGSSLROOTCERT's CA, else Node's store. */
  readonly tls?: PostgresTlsOptions;
  /** Observability: each new connection's user and a short hash of its password (never the password). */
  readonly onNewConnection?: (event: { readonly username: string; readonly credentialHash: string }) => void;
  /**
   * Called once per pool when it first connects without TLS (`tls.mode: 'disable'`). Default: a
   * Node process warning.
   */
  readonly onPlaintext?: (event: { readonly secretId: string }) => void;
};

// Either would let pg decide TLS behind the `tls` option's back (sslmode in a connection string).
const TLS_BYPASSES = ['ssl', 'connectionString'] as const;

const isAuthFailure = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return code === '28P01' || code === '28000';
};

/**
 * A `pg` pool whose credentials follow rotation. Only new connections authenticate, so only
 * `connect` needs care: a rejected password refreshes the secret (one call for a burst) and
 * retries; if AWSCURRENT is still the rejected one, a single-user rotation is between setSecret
 * and finishSecret, and AWSPENDING is what the database accepts. When AWSCURRENT names another
 * user (alternating users), new connections go to a pool for that user and the old pool drains.
 * Connections live at most `maxLifetimeSeconds` (default 300), so idle ones pick up new values.
 * TLS is verify-full unless `tls.mode` says otherwise; the secret's `ssl` key may only raise it
 * (`TlsDowngradeError` before any connection otherwise).
 */
export class RotatingPool {
  readonly #secret: RotatingSecret<PostgresCredential>;
  readonly #config: RotatingPoolConfig;
  readonly #tls: TlsSettings;
  #warnedPlaintext = false;
  #pool: { readonly key: string; readonly pool: pg.Pool } | undefined;
  readonly #retiring = new Set<Promise<void>>();
  /** The last password known to work per user; AWSPENDING's while a rotation is half done. */
  readonly #passwords = new Map<string, string>();
  #bridging: PostgresCredential | undefined;

  constructor(secret: RotatingSecret<PostgresCredential>, config: RotatingPoolConfig = {}) {
    for (const key of TLS_BYPASSES) {
      if (key in config) throw new TlsConfigError(key, "is not accepted: set TLS with the pool's tls option");
    }
    this.#secret = secret;
    this.#config = { maxLifetimeSeconds: 300, ...config };
    this.#tls = loadTlsSettings(config.tls);
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(text, values);
    } finally {
      client.release();
    }
  }

  async connect(): Promise<pg.PoolClient> {
    const current = await this.#secret.get();
    this.#learn(current);
    try {
      return await this.#poolFor(this.#bridging ?? current).connect();
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
    }
    this.#bridging = undefined;
    const fresh = await this.#secret.refresh();
    this.#learn(fresh);
    try {
      return await this.#poolFor(fresh).connect();
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      const pending = await this.#secret.pending();
      if (
        pending === undefined ||
        (pending.username === fresh.username && pending.password === fresh.password)
      )
        throw error;
      this.#bridging = pending;
      this.#passwords.set(pending.username, pending.password);
      return await this.#poolFor(pending).connect();
    }
  }

  /** Ends every pool, waiting for checked-out clients to be released. */
  async end(): Promise<void> {
    const pool = this.#pool?.pool;
    this.#pool = undefined;
    await Promise.all([pool?.end(), ...this.#retiring]);
  }

  #learn(credential: PostgresCredential): void {
    // Once AWSCURRENT has caught up with the pending value, the bridge is no longer needed.
    if (this.#bridging !== undefined && this.#bridging.password === credential.password)
      this.#bridging = undefined;
    if (this.#bridging?.username !== credential.username)
      this.#passwords.set(credential.username, credential.password);
  }

  #poolFor(credential: PostgresCredential): pg.Pool {
    const mode = effectiveTlsMode(this.#tls.mode, credential.sslMode, this.#secret.secretId);
    const key = JSON.stringify([
      credential.host,
      credential.port,
      credential.dbname,
      credential.username,
      mode,
    ]);
    if (this.#pool?.key === key) return this.#pool.pool;
    const old = this.#pool?.pool;
    if (old !== undefined) {
      const retiring = old.end().catch(() => undefined);
      this.#retiring.add(retiring);
      void retiring.finally(() => this.#retiring.delete(retiring));
    }
    const user = credential.username;
    const { onNewConnection: _hook, onPlaintext: _plain, tls: _tls, ...poolConfig } = this.#config;
    if (mode === 'disable') this.#announcePlaintext();
    const pool = new pg.Pool({
      ...poolConfig,
      ssl: postgresTls(credential.host, mode, this.#tls.ca),
      host: credential.host,
      port: credential.port,
      database: credential.dbname,
      user,
      password: async () => {
        const password = this.#passwords.get(user) ?? credential.password;
        this.#config.onNewConnection?.({ username: user, credentialHash: credentialHash(password) });
        return password;
      },
    });
    // An idle client that the server drops must not crash the process.
    pool.on('error', () => undefined);
    this.#pool = { key, pool };
    return pool;
  }

  #announcePlaintext(): void {
    if (this.#warnedPlaintext) return;
    this.#warnedPlaintext = true;
    const secretId = this.#secret.secretId;
    if (this.#config.onPlaintext !== undefined) this.#config.onPlaintext({ secretId });
    else
      process.emitWarning(
        `RotatingPool for secret ${secretId} connects to Postgres without TLS, as its tls.mode 'disable' asks`,
        { code: 'ROTATING_POOL_PLAINTEXT' },
      );
  }
}
