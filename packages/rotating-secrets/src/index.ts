/**
 * Read AWS Secrets Manager secrets that rotate: a `pg` pool and a `fetch` that keep working through
 * every rotation, over verified TLS, on Powertools' Secrets Manager provider and its cache.
 *
 * @packageDocumentation
 */
export { createRotatingPool, type RotatingPoolSecretOptions } from './createRotatingPool.js';
export { createTokenFetch, type TokenFetch, type TokenFetchOptions } from './createTokenFetch.js';
export { credentialHash } from './credentialHash.js';
export { SecretFormatError, TlsConfigError, TlsDowngradeError } from './errors.js';
export { type PostgresCredential, parsePostgresCredential } from './PostgresCredential.js';
export type { PostgresTlsOptions } from './postgresTls.js';
export { RotatingPool, type RotatingPoolConfig } from './RotatingPool.js';
export { RotatingSecret, type RotatingSecretOptions } from './RotatingSecret.js';
export type { TlsMode } from './TlsMode.js';
