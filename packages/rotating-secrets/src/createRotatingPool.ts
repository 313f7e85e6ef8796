import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type PostgresCredential, parsePostgresCredential } from './PostgresCredential.js';
import { RotatingPool, type RotatingPoolConfig } from './RotatingPool.js';
import { RotatingSecret } from './RotatingSecret.js';

/** How {@link createRotatingPool} reads the secret. */
export interface RotatingPoolSecretOptions {
  /**
   * Seconds a read stays in Powertools' cache.
   *
   * @default 300
   */
  readonly maxAgeSeconds?: number;
  /**
   * The Secrets Manager client to read with.
   *
   * @default the client Powertools creates (Region, credentials and endpoint from the environment)
   */
  readonly client?: SecretsManagerClient;
}

/**
 * A `pg` pool for the Postgres secret `secretId` that keeps working through its rotations, over
 * verify-full TLS unless `config.tls` says otherwise. Nothing is read or connected until the first
 * query.
 *
 * @example
 * ```ts
 * // Module scope: created once, shared by every request (or every warm Lambda invocation).
 * const pool = createRotatingPool('prod/orders/db', { max: 10 });
 *
 * const { rows } = await pool.query('SELECT now()');
 * ```
 */
export function createRotatingPool(
  secretId: string,
  config: RotatingPoolConfig = {},
  secretOptions: RotatingPoolSecretOptions = {},
): RotatingPool {
  const secret = new RotatingSecret<PostgresCredential>({
    secretId,
    parse: parsePostgresCredential,
    ...secretOptions,
  });
  return new RotatingPool(secret, config);
}
