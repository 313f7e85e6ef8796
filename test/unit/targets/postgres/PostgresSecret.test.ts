import { describe, expect, it } from 'vitest';
import { loadPostgresConfig } from '../../../../shared/targets/postgres/PostgresConfig.js';
import {
  parsePostgresSecret,
  serializePostgresSecret,
  withLogin,
} from '../../../../shared/targets/postgres/PostgresSecret.js';

const PASSWORD = 'Secret-Value-Never-Shown-9';
const rds = {
  engine: 'postgres',
  host: 'orders.abc.us-east-1.rds.amazonaws.com',
  port: '5432',
  username: 'orders',
  password: PASSWORD,
  dbname: 'orders',
  dbInstanceIdentifier: 'orders-db',
  team: 'payments',
};

describe('Postgres secret format', () => {
  it('reads what RDS writes, with a string port, and keeps unknown keys and the port type', () => {
    const secret = parsePostgresSecret(JSON.stringify(rds));
    const rotated = JSON.parse(
      serializePostgresSecret(withLogin(secret, { username: 'orders_clone', password: 'n3w-Pw-0123456789' })),
    );

    expect(secret).toMatchObject({ port: 5432, dbname: 'orders', masterArn: undefined, sslMode: undefined });
    expect(rotated).toEqual({ ...rds, username: 'orders_clone', password: 'n3w-Pw-0123456789' });
  });

  it('defaults the port and database, and reads ssl and masterarn', () => {
    const secret = parsePostgresSecret(
      JSON.stringify({ host: 'h', username: 'u', password: PASSWORD, ssl: false, masterarn: 'arn:m' }),
    );
    expect(secret).toMatchObject({ port: 5432, dbname: 'postgres', sslMode: 'disable', masterArn: 'arn:m' });
    expect(
      parsePostgresSecret(JSON.stringify({ host: 'h', username: 'u', password: PASSWORD, ssl: true }))
        .sslMode,
    ).toBe('verify-full');
  });

  it.each([
    [{ ...rds, host: undefined }, 'host'],
    [{ ...rds, username: 7 }, 'username'],
    [{ ...rds, password: '' }, 'password'],
    [{ ...rds, port: 'fifty' }, 'port'],
    [{ ...rds, port: 70000 }, 'port'],
    [{ ...rds, engine: 'mysql' }, 'engine'],
    [{ ...rds, ssl: 'prefer' }, 'ssl'],
    [{ ...rds, dbname: 3 }, 'dbname'],
  ])('names the bad key %#', (value, key) => {
    let caught: Error | undefined;
    try {
      parsePostgresSecret(JSON.stringify(value));
    } catch (error) {
      caught = error as Error;
    }
    expect(caught).toMatchObject({ name: 'SecretFormatError', key });
    expect(String(caught?.message)).not.toContain(PASSWORD);
  });
});

describe('Postgres function config', () => {
  it('defaults to verified TLS, local passwords, bounded timeouts and no overlap', () => {
    expect(loadPostgresConfig({})).toMatchObject({
      sslMode: 'verify-full',
      ca: undefined,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 10_000,
      scramIterations: 4096,
      passwordSource: 'local',
      cloneSuffix: '_clone',
      previousLoginTtlSeconds: 0,
      passwordPolicy: { length: 32 },
    });
  });

  it.each([
    ['PG_SSL_MODE', 'prefer'],
    ['PG_CA_FILE', '/nonexistent/ca.pem'],
    ['PASSWORD_SOURCE', 'kms'],
    ['CLONE_SUFFIX', '-clone'],
    ['SCRAM_ITERATIONS', '10'],
  ])('names %s when it is invalid', (name, value) => {
    expect(() => loadPostgresConfig({ [name]: value })).toThrow(name);
  });
});
