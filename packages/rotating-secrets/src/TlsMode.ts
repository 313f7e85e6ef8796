import { SecretFormatError, TlsDowngradeError } from './errors.js';

/**
 * How a connection to Postgres is secured, named after libpq's `sslmode` values:
 *
 * - `verify-full`: TLS; the server's certificate chains to a trusted CA and names the host.
 * - `verify-ca`: TLS; the certificate chains to a trusted CA, whatever host it names.
 * - `disable`: plaintext.
 */
export type TlsMode = 'verify-full' | 'verify-ca' | 'disable';

/** Every {@link TlsMode}, strongest first. */
export const TLS_MODES: readonly TlsMode[] = Object.freeze(['verify-full', 'verify-ca', 'disable']);

/**
 * How much each mode proves about the server. A secret may move a connection up this scale, never
 * down.
 *
 * @example
 * ```ts
 * const raises = TLS_STRENGTH[fromSecret] > TLS_STRENGTH[chosen];
 * ```
 */
export const TLS_STRENGTH: Readonly<Record<TlsMode, number>> = Object.freeze({
  disable: 0,
  'verify-ca': 1,
  'verify-full': 2,
});

/** Whether `value` is one of the {@link TLS_MODES}. */
export const isTlsMode = (value: unknown): value is TlsMode =>
  (TLS_MODES as readonly unknown[]).includes(value);

/**
 * The mode a secret's `ssl` key asks for: `true` is `verify-full`, `false` is `disable`, or one of
 * the mode names. Absent (or `null`) is `undefined`: the reader's own choice applies.
 *
 * @throws {@link SecretFormatError} naming the key `ssl` for any other value (never quoting it).
 */
export function sslKeyMode(value: unknown): TlsMode | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true) return 'verify-full';
  if (value === false) return 'disable';
  if (isTlsMode(value)) return value;
  throw new SecretFormatError(`must be true, false or one of ${TLS_MODES.join(', ')}`, 'ssl');
}

/**
 * The mode a connection uses: the application's, raised (never lowered) by the secret's. A secret
 * can be written by anyone with PutSecretValue; letting it turn verification off would let that
 * person redirect the application's logins to a server of their choosing.
 */
export function effectiveTlsMode(
  application: TlsMode,
  secret: TlsMode | undefined,
  secretId: string,
): TlsMode {
  if (secret === undefined) return application;
  if (TLS_STRENGTH[secret] < TLS_STRENGTH[application]) throw new TlsDowngradeError(secretId, application);
  return secret;
}
