import { parsePostgresCredential, SecretFormatError } from '@secrets-rotation/rotating-secrets';
import { describe, expect, it } from 'vitest';
import { SecretFormatError as FunctionsSecretFormatError } from '../../../shared/secrets/errors.js';
import { parsePostgresSecret } from '../../../shared/targets/postgres/PostgresSecret.js';

const PASSWORD = 'Secret-Value-Never-Shown-9';
const rds = {
  engine: 'postgres',
  host: 'orders.abc.us-east-1.rds.amazonaws.com',
  port: 5432,
  username: 'orders',
  password: PASSWORD,
  dbname: 'orders',
};

function failure(value: unknown): SecretFormatError {
  try {
    parsePostgresCredential(typeof value === 'string' ? value : JSON.stringify(value));
  } catch (error) {
    if (error instanceof SecretFormatError) return error;
    throw error;
  }
  throw new Error('expected a SecretFormatError');
}

describe('parsePostgresCredential', () => {
  it('reads what RDS writes and defaults the port, the database and the TLS mode', () => {
    expect(parsePostgresCredential(JSON.stringify(rds))).toEqual({
      host: rds.host,
      port: 5432,
      username: 'orders',
      password: PASSWORD,
      dbname: 'orders',
    });
    expect(
      parsePostgresCredential(JSON.stringify({ host: 'h', username: 'u', password: PASSWORD, port: null })),
    ).toEqual({ host: 'h', port: 5432, username: 'u', password: PASSWORD, dbname: 'postgres' });
  });

  it.each([
    [1, 1],
    [65_535, 65_535],
    ['5432', 5432],
    ['6543', 6543],
  ])('takes the port %j as %i', (port, expected) => {
    expect(parsePostgresCredential(JSON.stringify({ ...rds, port })).port).toBe(expected);
  });

  it.each([
    [''],
    [70_000],
    [65_536],
    [0],
    [-1],
    [5432.5],
    ['5432.0'],
    [' 5432'],
    ['0x10'],
    ['1e3'],
    [true],
    [[5432]],
  ])('refuses the port %j, naming the key', (port) => {
    expect(failure({ ...rds, port })).toMatchObject({ name: 'SecretFormatError', key: 'port' });
  });

  it.each([
    [true, 'verify-full'],
    [false, 'disable'],
    ['verify-full', 'verify-full'],
    ['verify-ca', 'verify-ca'],
    ['disable', 'disable'],
    [null, undefined],
  ])('reads the ssl key %j as %s', (ssl, expected) => {
    expect(parsePostgresCredential(JSON.stringify({ ...rds, ssl })).sslMode).toBe(expected);
  });

  it.each([['prefer'], ['require'], ['TRUE'], ['true'], [1], [0], [{}]])(
    'refuses the ssl value %j, naming the key but not the value',
    (ssl) => {
      const error = failure({ ...rds, ssl });
      expect(error).toMatchObject({ name: 'SecretFormatError', key: 'ssl' });
      expect(error.message).toBe(
        "The secret's key 'ssl' must be true, false or one of verify-full, verify-ca, disable.",
      );
    },
  );

  it.each([
    [{ ...rds, host: undefined }, 'host'],
    [{ ...rds, host: '' }, 'host'],
    [{ ...rds, username: 7 }, 'username'],
    [{ ...rds, password: '' }, 'password'],
    [{ ...rds, password: undefined }, 'password'],
    [{ ...rds, dbname: 3 }, 'dbname'],
  ])('names the bad key %#, never a value', (value, key) => {
    const error = failure(value);
    expect(error).toMatchObject({ name: 'SecretFormatError', key });
    expect(error.message).toContain(`'${key}'`);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(rds.host);
  });

  it.each([[`{"password":"${PASSWORD}"`], ['null'], ['[]'], [`"${PASSWORD}"`]])(
    'refuses a value that is not a JSON object without quoting it %#',
    (text) => {
      const error = failure(text);
      expect(error).toMatchObject({ name: 'SecretFormatError', key: undefined });
      expect(error.message).not.toContain(PASSWORD);
    },
  );

  // The functions read port and ssl through this package's module: the same input gives the same
  // answer, and a bad key the same error class, on both sides.
  it.each([
    [{}],
    [{ port: '5432' }],
    [{ port: '' }],
    [{ port: 70_000 }],
    [{ port: 0 }],
    [{ port: 5432.5 }],
    [{ ssl: true }],
    [{ ssl: false }],
    [{ ssl: 'verify-ca' }],
    [{ ssl: 'prefer' }],
    [{ ssl: null }],
  ])('reads port and ssl as the rotation functions do %j', (extra) => {
    const text = JSON.stringify({ ...rds, ...extra });
    const outcome = (parse: () => { readonly port: number; readonly sslMode?: string | undefined }) => {
      try {
        const { port, sslMode } = parse();
        return { port, sslMode };
      } catch (error) {
        return { error: error instanceof SecretFormatError, key: (error as { key?: unknown }).key };
      }
    };
    expect(outcome(() => parsePostgresCredential(text))).toEqual(outcome(() => parsePostgresSecret(text)));
  });

  it('is the one SecretFormatError the functions throw', () => {
    expect(FunctionsSecretFormatError).toBe(SecretFormatError);
    expect(() => parsePostgresSecret('{')).toThrow(SecretFormatError);
  });
});
