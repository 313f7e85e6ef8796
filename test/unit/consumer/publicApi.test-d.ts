import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createRotatingPool,
  createTokenFetch,
  credentialHash,
  type PostgresCredential,
  type PostgresTlsOptions,
  parsePostgresCredential,
  RotatingPool,
  type RotatingPoolConfig,
  type RotatingPoolSecretOptions,
  RotatingSecret,
  type RotatingSecretOptions,
  SecretFormatError,
  type TlsConfigError,
  type TlsDowngradeError,
  type TlsMode as TlsModeOfIndex,
  type TokenFetch,
  type TokenFetchOptions,
} from '@secrets-rotation/rotating-secrets';
import type * as secretFormat from '@secrets-rotation/rotating-secrets/secret-format';
import {
  isTlsMode,
  postgresPort,
  SecretFormatError as SecretFormatErrorOfSubpath,
  sslKeyMode,
  TLS_MODES,
  TLS_STRENGTH,
  type TlsMode,
} from '@secrets-rotation/rotating-secrets/secret-format';
import type pg from 'pg';
import { describe, expectTypeOf, it } from 'vitest';

describe('the package entry point', () => {
  it('exports exactly the documented values', () => {
    type Values = keyof typeof import('@secrets-rotation/rotating-secrets');
    expectTypeOf<Values>().toEqualTypeOf<
      | 'createRotatingPool'
      | 'createTokenFetch'
      | 'credentialHash'
      | 'parsePostgresCredential'
      | 'RotatingPool'
      | 'RotatingSecret'
      | 'SecretFormatError'
      | 'TlsConfigError'
      | 'TlsDowngradeError'
    >();
  });
});

describe('RotatingSecret', () => {
  it('infers its value from parse and returns it from get, refresh and pending', () => {
    const secret = new RotatingSecret({ secretId: 'id', parse: (text) => ({ token: text }) });

    expectTypeOf(secret).toEqualTypeOf<RotatingSecret<{ token: string }>>();
    expectTypeOf(secret.get()).resolves.toEqualTypeOf<{ token: string }>();
    expectTypeOf(secret.refresh()).resolves.toEqualTypeOf<{ token: string }>();
    expectTypeOf(secret.pending()).resolves.toEqualTypeOf<{ token: string } | undefined>();
    expectTypeOf(secret.secretId).toEqualTypeOf<string>();
  });

  it('takes optional cache settings and an SDK v3 client', () => {
    expectTypeOf<RotatingSecretOptions<number>>()
      .toHaveProperty('parse')
      .toEqualTypeOf<(secretString: string) => number>();
    expectTypeOf<RotatingSecretOptions<number>['maxAgeSeconds']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RotatingSecretOptions<number>['minRefreshIntervalMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RotatingSecretOptions<number>['client']>().toEqualTypeOf<SecretsManagerClient | undefined>();
  });
});

describe('the Postgres credential', () => {
  it('is parsed from the secret string into readonly fields', () => {
    expectTypeOf(parsePostgresCredential).toEqualTypeOf<(secretString: string) => PostgresCredential>();
    expectTypeOf<PostgresCredential>().toEqualTypeOf<{
      readonly host: string;
      readonly port: number;
      readonly username: string;
      readonly password: string;
      readonly dbname: string;
      readonly sslMode?: TlsMode;
    }>();
  });

  it('fits a RotatingSecret as its parse', () => {
    const secret = new RotatingSecret({ secretId: 'id', parse: parsePostgresCredential });
    expectTypeOf(secret).toEqualTypeOf<RotatingSecret<PostgresCredential>>();
    expectTypeOf(new RotatingPool(secret)).toEqualTypeOf<RotatingPool>();
  });
});

describe('RotatingPool', () => {
  it("is built from a secret id, pg's pool options and the secret's read options", () => {
    expectTypeOf(createRotatingPool).parameters.toEqualTypeOf<
      [secretId: string, config?: RotatingPoolConfig, secretOptions?: RotatingPoolSecretOptions]
    >();
    expectTypeOf(createRotatingPool).returns.toEqualTypeOf<RotatingPool>();
    expectTypeOf<RotatingPoolSecretOptions>().toEqualTypeOf<{
      readonly maxAgeSeconds?: number;
      readonly client?: SecretsManagerClient;
    }>();
  });

  it("queries and connects as pg's pool does, with typed rows", () => {
    const pool = createRotatingPool('id');

    expectTypeOf(pool.query<{ id: number }>('SELECT 1 AS id')).resolves.toEqualTypeOf<
      pg.QueryResult<{ id: number }>
    >();
    expectTypeOf(pool.query).parameters.toEqualTypeOf<[text: string, values?: unknown[]]>();
    expectTypeOf(pool.connect()).resolves.toEqualTypeOf<pg.PoolClient>();
    expectTypeOf(pool.end()).resolves.toBeVoid();
  });

  it('takes pool options, TLS and hooks, but no setting the secret decides or that bypasses tls', () => {
    expectTypeOf<RotatingPoolConfig>().toHaveProperty('max');
    expectTypeOf<RotatingPoolConfig>().toHaveProperty('maxLifetimeSeconds');
    expectTypeOf<RotatingPoolConfig>().toHaveProperty('idleTimeoutMillis');
    expectTypeOf<RotatingPoolConfig['tls']>().toEqualTypeOf<PostgresTlsOptions | undefined>();
    expectTypeOf<RotatingPoolConfig['onNewConnection']>().toEqualTypeOf<
      ((event: { readonly username: string; readonly credentialHash: string }) => void) | undefined
    >();
    expectTypeOf<RotatingPoolConfig['onPlaintext']>().toEqualTypeOf<
      ((event: { readonly secretId: string }) => void) | undefined
    >();
    for (const key of ['user', 'password', 'host', 'port', 'database', 'ssl', 'connectionString'] as const) {
      expectTypeOf<RotatingPoolConfig>().not.toHaveProperty(key);
    }
    // @ts-expect-error: TLS is set with the tls option only.
    createRotatingPool('id', { ssl: false });
    // @ts-expect-error: the secret names the database.
    createRotatingPool('id', { connectionString: 'postgres://u:p@db/app' });
  });

  it('takes the TLS modes by name, and a PEM CA', () => {
    expectTypeOf<PostgresTlsOptions>().toEqualTypeOf<{ readonly mode?: TlsMode; readonly ca?: string }>();
    expectTypeOf<TlsModeOfIndex>().toEqualTypeOf<'verify-full' | 'verify-ca' | 'disable'>();
    // @ts-expect-error: libpq's weaker modes do not exist here.
    createRotatingPool('id', { tls: { mode: 'prefer' } });
  });
});

describe('createTokenFetch', () => {
  it('needs a secret whose value carries a token, and gives a fetch', () => {
    expectTypeOf(createTokenFetch).parameters.toEqualTypeOf<[options: TokenFetchOptions]>();
    expectTypeOf(createTokenFetch).returns.toEqualTypeOf<TokenFetch>();
    expectTypeOf<TokenFetchOptions['secret']>().toEqualTypeOf<RotatingSecret<{ readonly token: string }>>();
    expectTypeOf<TokenFetch>().parameters.toEqualTypeOf<
      [input: string | URL, init?: RequestInit & { readonly retryOn401?: boolean }]
    >();
    expectTypeOf<TokenFetch>().returns.resolves.toEqualTypeOf<Response>();
    // @ts-expect-error: a secret without a token does not fit.
    createTokenFetch({ secret: new RotatingSecret({ secretId: 'id', parse: (text) => ({ key: text }) }) });
  });

  it('reports a hash of the token, never the token', () => {
    expectTypeOf<TokenFetchOptions['onRequest']>().toEqualTypeOf<
      ((event: { readonly tokenHash: string }) => void) | undefined
    >();
    expectTypeOf(credentialHash).toEqualTypeOf<(value: string) => string>();
  });
});

describe('the errors', () => {
  it('are Errors with a literal name and the identifiers they name, never a value', () => {
    expectTypeOf<SecretFormatError>().toExtend<Error>();
    expectTypeOf<SecretFormatError['name']>().toEqualTypeOf<'SecretFormatError'>();
    expectTypeOf<SecretFormatError['key']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<TlsDowngradeError['name']>().toEqualTypeOf<'TlsDowngradeError'>();
    expectTypeOf<TlsDowngradeError>().toHaveProperty('secretId').toEqualTypeOf<string>();
    expectTypeOf<TlsDowngradeError>().toHaveProperty('applicationMode').toEqualTypeOf<string>();
    expectTypeOf<TlsConfigError['name']>().toEqualTypeOf<'TlsConfigError'>();
    expectTypeOf<TlsConfigError>().toHaveProperty('setting').toEqualTypeOf<string>();
  });
});

describe('the secret-format entry point', () => {
  it('exports the key rules, the modes and their order, and the same error class', () => {
    expectTypeOf<keyof typeof secretFormat>().toEqualTypeOf<
      | 'isTlsMode'
      | 'parsePostgresCredential'
      | 'postgresPort'
      | 'SecretFormatError'
      | 'sslKeyMode'
      | 'TLS_MODES'
      | 'TLS_STRENGTH'
    >();
    expectTypeOf(SecretFormatErrorOfSubpath).toEqualTypeOf(SecretFormatError);
    expectTypeOf(postgresPort).toEqualTypeOf<(value: unknown) => number>();
    expectTypeOf(sslKeyMode).toEqualTypeOf<(value: unknown) => TlsMode | undefined>();
    expectTypeOf(isTlsMode).guards.toEqualTypeOf<TlsMode>();
    expectTypeOf(TLS_MODES).toEqualTypeOf<readonly TlsMode[]>();
    expectTypeOf(TLS_STRENGTH).toEqualTypeOf<Readonly<Record<TlsMode, number>>>();
  });
});
