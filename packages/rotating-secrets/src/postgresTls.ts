import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { TlsConfigError } from './errors.js';
import { isTlsMode, TLS_MODES, type TlsMode } from './TlsMode.js';

/** The application's TLS choice for a {@link RotatingPool}. */
export interface PostgresTlsOptions {
  /**
   * How connections are secured. Plaintext (`disable`) only when chosen here: the secret's `ssl`
   * key may raise the mode, never lower it.
   *
   * @default 'verify-full'
   */
  readonly mode?: TlsMode;
  /**
   * PEM-encoded CA certificates to trust, for example the RDS CA bundle.
   *
   * @default the file named by the `PGSSLROOTCERT` environment variable (read once, when the pool is
   * created; `system` means Node's store), else Node's store, which includes `NODE_EXTRA_CA_CERTS`
   */
  readonly ca?: string;
}

/** The validated options: a mode, and the CA if one was given or found. */
export interface TlsSettings {
  readonly mode: TlsMode;
  readonly ca: string | undefined;
}

/** Validates the options and reads PGSSLROOTCERT, once, when no `ca` is given. */
export function loadTlsSettings(
  options: PostgresTlsOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): TlsSettings {
  const mode: unknown = options.mode ?? 'verify-full';
  if (!isTlsMode(mode)) throw new TlsConfigError('tls.mode', `must be one of ${TLS_MODES.join(', ')}`);
  if (options.ca !== undefined) return Object.freeze({ mode, ca: options.ca });
  const file = env['PGSSLROOTCERT'];
  // libpq's `system` means the platform's store, which is what Node trusts by default.
  if (file === undefined || file === '' || file === 'system') return Object.freeze({ mode, ca: undefined });
  try {
    return Object.freeze({ mode, ca: readFileSync(file, 'utf8') });
  } catch (error) {
    throw new TlsConfigError('PGSSLROOTCERT', `names a file that cannot be read (${file})`, { cause: error });
  }
}

/** `pg`'s `ssl` setting for one host: the same rules as the rotation functions' connections. */
export function postgresTls(host: string, mode: TlsMode, ca: string | undefined): false | ConnectionOptions {
  if (mode === 'disable') return false;
  return {
    rejectUnauthorized: true,
    ...(ca === undefined ? {} : { ca }),
    // An IP address is checked against the certificate's IP SANs; SNI takes host names only.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    // verify-ca: the chain must lead to a trusted CA, whatever name the certificate carries.
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}
