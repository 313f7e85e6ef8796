import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type PostgresCredential, parsePostgresCredential } from './PostgresCredential.js';
import { RotatingPool, type RotatingPoolConfig } from './RotatingPool.js';
import { RotatingSecret } from './RotatingSecret.js';

/**
 * A `pg` pool for the Postgres secret `secretId` that keeps working through its rotations, over
 * verify-full TLS unless `config.tls` says otherwise.
 */
export function createRotatingPool(
  secretId: string,
  config: RotatingPoolConfig = {},
  secretOptions: { readonly maxAgeSeconds?: number; readonly client?: SecretsManagerClient } = {},
): RotatingPool {
  const secret = new RotatingSecret<PostgresCredential>({
    secretId,
    parse: parsePostgresCredential,
    ...secretOptions,
  });
  return new RotatingPool(secret, config);
}
