/**
 * How secret values are read, with no dependency: the error that names a bad key, and the rules for
 * a Postgres secret's `port` and `ssl` keys that this library and the rotation functions share. For
 * applications that parse a secret themselves.
 *
 * @example
 * ```ts
 * import { postgresPort, sslKeyMode } from '@secrets-rotation/rotating-secrets/secret-format';
 *
 * const fields = JSON.parse(secretString);
 * const port = postgresPort(fields.port); // 5432 when absent; SecretFormatError naming 'port' when bad
 * const ssl = sslKeyMode(fields.ssl); // 'verify-full' for true, undefined when absent
 * ```
 *
 * @packageDocumentation
 */
export { SecretFormatError } from './errors.js';
export { type PostgresCredential, parsePostgresCredential } from './PostgresCredential.js';
export { postgresPort } from './postgresPort.js';
export { isTlsMode, sslKeyMode, TLS_MODES, TLS_STRENGTH, type TlsMode } from './TlsMode.js';
