import { SecretFormatError } from './errors.js';
import { postgresPort } from './postgresPort.js';
import { sslKeyMode, type TlsMode } from './TlsMode.js';

/** The connection half of an RDS-format Postgres secret. `password` is secret: never log it. */
export interface PostgresCredential {
  readonly host: string;
  /** @default 5432 */
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** @default `'postgres'` */
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

/**
 * Reads a Postgres secret as RDS, Aurora and the rotation functions store it (`host`, `port`,
 * `username`, `password`, `dbname`, `ssl`), with the rotation functions' own rules for `port` and
 * `ssl`. Other keys are ignored. Pass it as a {@link RotatingSecret}'s `parse`.
 *
 * @throws {@link SecretFormatError} naming the missing or ill-typed key, never a value.
 *
 * @example
 * ```ts
 * const secret = new RotatingSecret({ secretId: 'prod/orders/db', parse: parsePostgresCredential });
 * const { host, port, username } = await secret.get();
 * ```
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
    port: postgresPort(fields['port']),
    username: text(fields, 'username'),
    password: text(fields, 'password'),
    dbname: text(fields, 'dbname', 'postgres'),
    ...(sslMode === undefined ? {} : { sslMode }),
  };
}
