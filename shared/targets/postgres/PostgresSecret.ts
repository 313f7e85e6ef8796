import {
  postgresPort,
  sslKeyMode,
  TLS_MODES,
  TLS_STRENGTH,
  type TlsMode,
} from '@secrets-rotation/rotating-secrets/secret-format';
import { SecretFormatError } from '../../secrets/errors.js';
import { parseSecretJson, type SecretObject } from '../../secrets/secretJson.js';
import { connectionField, optionalConnectionField } from './connectionFields.js';

// The `port` and `ssl` rules and the order of the TLS modes come from the package applications read
// these secrets with: one module, so the functions and the applications cannot read a secret apart.
export type SslMode = TlsMode;
export const SSL_MODES: readonly SslMode[] = TLS_MODES;

/** How much each mode proves about the server: a secret may move a login up this scale, never down. */
export const SSL_STRENGTH: Readonly<Record<SslMode, number>> = TLS_STRENGTH;

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

/**
 * Parses and checks every stored version the same way (AWSCURRENT and AWSPREVIOUS may be written by
 * hand): each key that reaches a connection, a statement or an RDS call is plain data of bounded
 * length, so no byte of it can act as protocol. Keys the function does not know are kept, never sent.
 */
export function parsePostgresSecret(secretString: string): PostgresSecret {
  const fields = parseSecretJson(secretString);
  const engine = optionalText(fields, 'engine');
  if (engine !== undefined && !ENGINES.includes(engine)) {
    throw new SecretFormatError(`must be ${ENGINES.join(' or ')} for this function`, 'engine');
  }
  return Object.freeze({
    fields,
    host: connectionField(fields, 'host', 'host'),
    port: postgresPort(fields['port']),
    username: connectionField(fields, 'username', 'name'),
    password: connectionField(fields, 'password', 'password'),
    dbname: optionalConnectionField(fields, 'dbname', 'name') ?? 'postgres',
    masterArn: optionalConnectionField(fields, 'masterarn', 'text'),
    sslMode: sslKeyMode(fields['ssl']),
    dbInstanceIdentifier: optionalConnectionField(fields, 'dbInstanceIdentifier', 'text'),
    dbClusterIdentifier: optionalConnectionField(fields, 'dbClusterIdentifier', 'text'),
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
