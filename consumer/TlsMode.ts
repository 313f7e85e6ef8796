import { SecretFormatError, TlsDowngradeError } from './errors.js';

/** How a connection to Postgres is secured; the same modes the rotation functions use. */
export type TlsMode = 'verify-full' | 'verify-ca' | 'disable';

/** Strongest first. */
export const TLS_MODES: readonly TlsMode[] = ['verify-full', 'verify-ca', 'disable'];

export const isTlsMode = (value: unknown): value is TlsMode =>
  (TLS_MODES as readonly unknown[]).includes(value);

/**
 * The secret's `ssl` key, read as the rotation functions read it: `true` is verify-full, `false`
 * is disable, or one of the mode names; absent (or null) leaves the choice to the application.
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
  if (TLS_MODES.indexOf(secret) > TLS_MODES.indexOf(application))
    throw new TlsDowngradeError(secretId, application);
  return secret;
}
