import { SecretFormatError } from '../../secrets/errors.js';
import { parseSecretJson, requireStringKey, type SecretObject } from '../../secrets/secretJson.js';

export type SslMode = 'verify-full' | 'verify-ca' | 'disable';
export const SSL_MODES: readonly SslMode[] = ['verify-full', 'verify-ca', 'disable'];

/** How much each mode proves about the server: a secret may move a login up this scale, never down. */
export const SSL_STRENGTH: Readonly<Record<SslMode, number>> = {
  disable: 0,
  'verify-ca': 1,
  'verify-full': 2,
};

/**
 * A Postgres credential in the format RDS, Aurora and `AWS::SecretsManager::SecretTargetAttachment`
 * write. Only `username` and `password` ever change; every other key is kept as stored.
 */
export interface PostgresSecret {
  readonly fields: SecretObject;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
  readonly masterArn: string | undefined;
  /** From the secret's `ssl` key; `undefined` leaves the choice to the function config, which it can only raise. */
  readonly sslMode: SslMode | undefined;
  readonly dbInstanceIdentifier: string | undefined;
  readonly dbClusterIdentifier: string | undefined;
}

const ENGINES = ['postgres', 'aurora-postgresql'];

function optionalText(fields: SecretObject, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new SecretFormatError('must be a non-empty string', key);
  return value;
}

function port(fields: SecretObject): number {
  const value = fields['port'];
  if (value === undefined || value === null) return 5432;
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535) {
    throw new SecretFormatError('must be a TCP port number (a number or a numeric string)', 'port');
  }
  return parsed;
}

function sslMode(fields: SecretObject): SslMode | undefined {
  const value = fields['ssl'];
  if (value === undefined || value === null) return undefined;
  if (value === true) return 'verify-full';
  if (value === false) return 'disable';
  if (typeof value === 'string' && (SSL_MODES as readonly string[]).includes(value)) return value as SslMode;
  throw new SecretFormatError(`must be true, false or one of ${SSL_MODES.join(', ')}`, 'ssl');
}

export function parsePostgresSecret(secretString: string): PostgresSecret {
  const fields = parseSecretJson(secretString);
  const engine = optionalText(fields, 'engine');
  if (engine !== undefined && !ENGINES.includes(engine)) {
    throw new SecretFormatError(`must be ${ENGINES.join(' or ')} for this function`, 'engine');
  }
  return Object.freeze({
    fields,
    host: requireStringKey(fields, 'host'),
    port: port(fields),
    username: requireStringKey(fields, 'username'),
    password: requireStringKey(fields, 'password'),
    dbname: optionalText(fields, 'dbname') ?? 'postgres',
    masterArn: optionalText(fields, 'masterarn'),
    sslMode: sslMode(fields),
    dbInstanceIdentifier: optionalText(fields, 'dbInstanceIdentifier'),
    dbClusterIdentifier: optionalText(fields, 'dbClusterIdentifier'),
  });
}

export function serializePostgresSecret(secret: PostgresSecret): string {
  return JSON.stringify({ ...secret.fields, username: secret.username, password: secret.password });
}

/** The same secret for another user and/or password. */
export function withLogin(
  secret: PostgresSecret,
  login: { readonly username: string; readonly password: string },
): PostgresSecret {
  return Object.freeze({ ...secret, ...login });
}
