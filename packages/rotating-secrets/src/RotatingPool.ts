import pg from 'pg';
import { credentialHash } from './credentialHash.js';
import { TlsConfigError } from './errors.js';
import type { PostgresCredential } from './PostgresCredential.js';
import { loadTlsSettings, type PostgresTlsOptions, postgresTls, type TlsSettings } from './postgresTls.js';
import type { RotatingSecret } from './RotatingSecret.js';
import { effectiveTlsMode } from './TlsMode.js';

/**
 * `pg`'s pool options (`max`, `idleTimeoutMillis`, `maxLifetimeSeconds`, …) without the ones the
 * secret decides (`user`, `password`, `host`, `port`, `database`) or that would bypass `tls`
 * (`ssl`, `connectionString`), plus the pool's own.
 *
 * `maxLifetimeSeconds` defaults to 300 here (pg: unlimited), so idle connections pick up new
 * credentials.
 */
export type RotatingPoolConfig = Omit<
  pg.PoolConfig,
  'user' | 'password' | 'host' | 'port' | 'database' | 'ssl' | 'connectionString'
> & {
  /**
   * TLS for every connection.
   *
   * @default `{ mode: 'verify-full' }`, trusting PGSSLROOTCERT's CA if set, else Node's store
   */
  readonly tls?: PostgresTlsOptions;
  /** Observability: each new connection's user and a short hash of its password (never the password). */
  readonly onNewConnection?: (event: { readonly username: string; readonly credentialHash: string }) => void;
  /**
   * Called once per pool when it first connects without TLS (`tls.mode: 'disable'`).
   *
   * @default a Node process warning (code `ROTATING_POOL_PLAINTEXT`)
   */
  readonly onPlaintext?: (event: { readonly secretId: string }) => void;
};

// Either would let pg decide TLS behind the `tls` option's back (sslmode in a connection string).
const TLS_BYPASSES = ['ssl', 'connectionString'] as const;

/** Reads of AWSCURRENT one connect makes at most after its first is rejected, while AWSCURRENT keeps moving. */
const MAX_ROUNDS = 3;

const sameLogin = (a: PostgresCredential, b: PostgresCredential) =>
  a.username === b.username && a.password === b.password;

const isAuthFailure = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return code === '28P01' || code === '28000';
};

/**
 * A `pg` pool whose credentials follow rotation. Only new connections authenticate, so only
 * `connect` needs care: a rejected password refreshes the secret (one call for a burst) and
 * retries; if AWSCURRENT is still the rejected one, a single-user rotation is between setSecret
 * and finishSecret, and AWSPENDING is what the database accepts. If neither works, AWSCURRENT is
 * read once more (rotations may have moved on meanwhile) before the error is thrown. When
 * AWSCURRENT names another user (alternating users), new connections go to a pool for that user
 * and the old pool drains.
 * Connections live at most `maxLifetimeSeconds` (default 300), so idle ones pick up new values.
 * TLS is verify-full unless `tls.mode` says otherwise; the secret's `ssl` key may only raise it
 * ({@link TlsDowngradeError} before any connection otherwise).
 *
 * {@link createRotatingPool} builds one from a secret id; construct it directly to share a
 * {@link RotatingSecret} or to read with your own client.
 *
 * @example
 * ```ts
 * const secret = new RotatingSecret({ secretId: 'prod/orders/db', parse: parsePostgresCredential });
 * const pool = new RotatingPool(secret, { max: 10, tls: { ca: readFileSync('rds-ca.pem', 'utf8') } });
 * const { rows } = await pool.query<{ id: number }>('SELECT id FROM orders WHERE customer = $1', [42]);
 * ```
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

  /**
   * Reads no secret and opens no connection: the first `query` or `connect` does.
   *
   * @throws {@link TlsConfigError} for an unknown `tls.mode`, an unreadable PGSSLROOTCERT file, or
   * an `ssl` or `connectionString` option.
   */
  constructor(secret: RotatingSecret<PostgresCredential>, config: RotatingPoolConfig = {}) {
    for (const key of TLS_BYPASSES) {
      if (key in config) throw new TlsConfigError(key, "is not accepted: set TLS with the pool's tls option");
    }
    this.#secret = secret;
    this.#config = { maxLifetimeSeconds: 300, ...config };
    this.#tls = loadTlsSettings(config.tls);
  }

  /** Runs one statement on a connection from the pool, as `pg.Pool#query` does. */
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

  /**
   * A client with the current credentials, for a transaction or several statements; `release()` it
   * when done.
   *
   * @throws {@link TlsDowngradeError} when the secret's `ssl` key asks for less than `tls.mode`.
   * @throws {@link SecretFormatError} when the secret cannot be read as a Postgres credential.
   */
  async connect(): Promise<pg.PoolClient> {
    const current = await this.#secret.get();
    this.#learn(current);
    const bridge = this.#bridging;
    try {
      return await this.#poolFor(bridge ?? current).connect();
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
    }
    // Only the bridge this attempt used: a concurrent caller may have just set up a newer one,
    // whose password its connection is about to use.
    if (this.#bridging === bridge) this.#bridging = undefined;
    let fresh = await this.#secret.refresh();
    for (let round = 1; ; round++) {
      const started = Date.now();
      this.#learn(fresh);
      try {
        return await this.#poolFor(fresh).connect();
      } catch (error) {
        if (!isAuthFailure(error)) throw error;
        const bridged = await this.#bridge(fresh);
        if (bridged !== undefined) return bridged;
        // Neither works. The refresh may have been answered from an earlier one's read, from before
        // a rotation finished, and AWSPENDING may already be the next rotation's, not yet set: read
        // again, from a call that began after this round did. Each round needs AWSCURRENT to have
        // moved, so a rejected password fails after one extra read.
        const latest = await this.#secret.refresh({ since: started });
        if (sameLogin(latest, fresh) || round === MAX_ROUNDS) throw error;
        fresh = latest;
      }
    }
  }

  /** AWSPENDING when the database takes it (a single-user rotation between setSecret and finishSecret). */
  async #bridge(fresh: PostgresCredential): Promise<pg.PoolClient | undefined> {
    const pending = await this.#secret.pending();
    if (pending === undefined || sameLogin(pending, fresh)) return undefined;
    this.#bridging = pending;
    this.#passwords.set(pending.username, pending.password);
    try {
      return await this.#poolFor(pending).connect();
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      if (this.#bridging === pending) this.#bridging = undefined;
      return undefined;
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
