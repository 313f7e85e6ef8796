import { SecretFormatError } from './errors.js';
import { sslKeyMode, type TlsMode } from './TlsMode.js';

/** The connection half of an RDS-format Postgres secret; `password` is secret. */
export interface PostgresCredential {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
  /** From the secret's `ssl` key; it can only make the pool's TLS stricter. Absent: the pool's mode. */
  readonly sslMode?: TlsMode;
}

type Fields = Readonly<Record<string, unknown>>;

function text(fields: Fields, key: string, fallback?: string): string {
  const value = fields[key] ?? fallback;
  if (value === undefined) throw new SecretFormatError('is missing', key);
  if (typeof value !== 'string' || value.length === 0)
    throw new SecretFormatError('must be a non-empty string', key);
  return value;
}

function port(fields: Fields): number {
  const value = fields['port'];
  if (value === undefined || value === null) return 5432;
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535)
    throw new SecretFormatError('must be a TCP port from 1 to 65535 (a number or a numeric string)', 'port');
  return parsed;
}

/**
 * Reads what RDS, Aurora and the rotation functions store, with their rules for `port` and `ssl`.
 * Throws `SecretFormatError` naming the key, never a value.
 */
export function parsePostgresCredential(secretString: string): PostgresCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The parser's message quotes the input, which is the secret.
    throw new SecretFormatError('is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SecretFormatError('must be a JSON object');
  const fields = parsed as Fields;
  const sslMode = sslKeyMode(fields['ssl']);
  return {
    host: text(fields, 'host'),
    port: port(fields),
    username: text(fields, 'username'),
    password: text(fields, 'password'),
    dbname: text(fields, 'dbname', 'postgres'),
    ...(sslMode === undefined ? {} : { sslMode }),
  };
}
