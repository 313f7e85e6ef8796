import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createRotatingPool,
  type RotatingPool,
  type RotatingPoolConfig,
  TlsConfigError,
  TlsDowngradeError,
} from '@secrets-rotation/rotating-secrets';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { captureOutput } from '../../support/captureOutput.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

let env: TestStack;
let server: TestPostgres;
let app: SecretsManagerClient;
const pools: RotatingPool[] = [];
const secrets: string[] = [];
const output = captureOutput();

beforeAll(async () => {
  server = await startTestPostgres();
  env = await startTestStack();
  app = new SecretsManagerClient({
    endpoint: env.stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'a' },
  });
}, 60_000);

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

afterAll(async () => {
  const text = output.stop();
  try {
    assertNoSecretLeaks(text, secrets);
  } finally {
    app?.destroy();
    await env?.close();
    await server?.close();
  }
});

/** A login role and a secret for it; `extra` overrides or adds keys (`host`, `ssl`). */
async function secretFor(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const role = `tls_${name.replaceAll('-', '_')}`;
  const password = `Tls-${name}-pw-1`;
  secrets.push(password);
  const verifier = await scramVerifier(password);
  await server.admin((c) =>
    c.query(`CREATE ROLE ${c.escapeIdentifier(role)} WITH LOGIN PASSWORD ${c.escapeLiteral(verifier)}`),
  );
  const secretId = `tls/${name}`;
  await env.client.send(
    new CreateSecretCommand({
      Name: secretId,
      SecretString: JSON.stringify({
        engine: 'postgres',
        host: server.host,
        port: server.port,
        dbname: 'postgres',
        username: role,
        password,
        ...extra,
      }),
    }),
  );
  return secretId;
}

function poolFor(secretId: string, config: RotatingPoolConfig = {}): RotatingPool {
  const pool = createRotatingPool(secretId, { max: 1, ...config }, { client: app });
  pools.push(pool);
  return pool;
}

async function sessionUsesTls(pool: RotatingPool): Promise<boolean> {
  const { rows } = await pool.query<{ ssl: boolean }>(
    'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
  );
  return rows[0]?.ssl ?? false;
}

describe('RotatingPool TLS', () => {
  it('connects over TLS verified against the given CA by default', async () => {
    const pool = poolFor(await secretFor('default'), { tls: { ca: server.caPem } });

    expect(await sessionUsesTls(pool)).toBe(true);
  });

  it("refuses a server whose CA it does not trust when given no CA (Node's store only)", async () => {
    vi.stubEnv('PGSSLROOTCERT', '');
    const pool = poolFor(await secretFor('untrusted'));

    await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it("refuses a secret whose ssl key turns TLS off, before connecting, when the application did not choose 'disable'", async () => {
    const secretId = await secretFor('downgrade', { ssl: false });
    const logBefore = server.serverLog().length;
    const connections: string[] = [];
    const pool = poolFor(secretId, {
      tls: { ca: server.caPem },
      onNewConnection: ({ username }) => connections.push(username),
    });

    const error = await pool.query('SELECT 1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TlsDowngradeError);
    expect(error).toMatchObject({ name: 'TlsDowngradeError', secretId });
    expect((error as Error).message).toContain("key 'ssl'");
    expect((error as Error).message).not.toContain('Tls-downgrade-pw-1');
    expect(connections).toEqual([]);
    expect(server.serverLog().slice(logBefore)).not.toContain('tls_downgrade');
  });

  it('refuses a secret asking for verify-ca when the application keeps verify-full', async () => {
    const pool = poolFor(await secretFor('weaker', { ssl: 'verify-ca' }), { tls: { ca: server.caPem } });

    await expect(pool.query('SELECT 1')).rejects.toBeInstanceOf(TlsDowngradeError);
  });

  it("connects in plaintext when the application chooses 'disable', and says so once", async () => {
    const secretId = await secretFor('plaintext');
    const announced: string[] = [];
    const pool = poolFor(secretId, {
      max: 2,
      tls: { mode: 'disable' },
      onPlaintext: (event) => announced.push(event.secretId),
    });

    const [first, second] = await Promise.all([pool.connect(), pool.connect()]);
    const rows = async (client: typeof first) =>
      (await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows;
    expect(await rows(first)).toEqual([{ ssl: false }]);
    expect(await rows(second)).toEqual([{ ssl: false }]);
    first.release();
    second.release();
    expect(announced).toEqual([secretId]);
  });

  it("lets the secret's ssl key raise an application's 'disable' to verified TLS", async () => {
    const announced: string[] = [];
    const pool = poolFor(await secretFor('raised', { ssl: true }), {
      tls: { mode: 'disable', ca: server.caPem },
      onPlaintext: (event) => announced.push(event.secretId),
    });

    expect(await sessionUsesTls(pool)).toBe(true);
    expect(announced).toEqual([]);
  });

  it('checks the host name under verify-full and only the chain under verify-ca', async () => {
    // The server listens on 127.0.0.2 too, an address its certificate does not name.
    const wrongHost = await secretFor('wrong-host', { host: '127.0.0.2' });
    const byName = await secretFor('by-name', { host: 'localhost' });

    await expect(poolFor(wrongHost, { tls: { ca: server.caPem } }).query('SELECT 1')).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(await sessionUsesTls(poolFor(wrongHost, { tls: { mode: 'verify-ca', ca: server.caPem } }))).toBe(
      true,
    );
    expect(await sessionUsesTls(poolFor(byName, { tls: { ca: server.caPem } }))).toBe(true);
  });

  it('trusts the CA in the file PGSSLROOTCERT names when no ca option is given', async () => {
    vi.stubEnv('PGSSLROOTCERT', server.caFile);

    expect(await sessionUsesTls(poolFor(await secretFor('root-cert')))).toBe(true);
  });

  it('prefers the ca option to PGSSLROOTCERT, and names PGSSLROOTCERT when its file cannot be read', async () => {
    const secretId = await secretFor('root-cert-missing');
    vi.stubEnv('PGSSLROOTCERT', join(server.caFile, 'missing.pem'));

    expect(() => poolFor(secretId)).toThrow(TlsConfigError);
    expect(() => poolFor(secretId)).toThrow(/^PGSSLROOTCERT names a file that cannot be read/);
    expect(await sessionUsesTls(poolFor(secretId, { tls: { ca: server.caPem } }))).toBe(true);
  });
});
