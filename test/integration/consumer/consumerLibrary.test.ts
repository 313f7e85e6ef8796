import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  createRotatingPool,
  createTokenFetch,
  type PostgresCredential,
  parsePostgresCredential,
  RotatingPool,
  RotatingSecret,
} from '@secrets-rotation/rotating-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { captureOutput } from '../../support/captureOutput.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';
import { startTestTokenService } from '../../support/startTestTokenService.js';

let env: TestStack;
let server: TestPostgres;
let tokens: TokenService;
let app: SecretsManagerClient;
let calls = 0;
const secrets: string[] = [];
const output = captureOutput();

beforeAll(async () => {
  server = await startTestPostgres();
  tokens = await startTestTokenService();
  env = await startTestStack();
  app = new SecretsManagerClient({
    endpoint: env.stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'a' },
  });
  app.middlewareStack.add(
    (next) => async (args) => {
      calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
}, 60_000);

afterAll(async () => {
  const text = output.stop();
  try {
    assertNoSecretLeaks(text, secrets);
  } finally {
    app?.destroy();
    await env?.close();
    await tokens?.close();
    await server?.close();
  }
});

async function setPassword(role: string, password: string, create = false): Promise<void> {
  secrets.push(password);
  const verifier = await scramVerifier(password);
  await server.admin((c) =>
    c.query(
      `${create ? 'CREATE' : 'ALTER'} ROLE ${c.escapeIdentifier(role)} WITH LOGIN PASSWORD ${c.escapeLiteral(verifier)}`,
    ),
  );
}

const credential = (username: string, password: string) =>
  JSON.stringify({
    engine: 'postgres',
    host: server.host,
    port: server.port,
    dbname: 'postgres',
    username,
    password,
  });

const pgSecret = (secretId: string) =>
  new RotatingSecret<PostgresCredential>({
    secretId,
    parse: parsePostgresCredential,
    maxAgeSeconds: 300,
    client: app,
  });

describe('RotatingPool', () => {
  it('bridges the single-user window with AWSPENDING, then follows AWSCURRENT, without a failed query', async () => {
    await setPassword('lib_single', 'Lib-single-old-pw-1', true);
    await env.client.send(
      new CreateSecretCommand({
        Name: 'lib/single',
        SecretString: credential('lib_single', 'Lib-single-old-pw-1'),
      }),
    );
    const pool = createRotatingPool(
      'lib/single',
      { max: 2, tls: { ca: server.caPem }, idleTimeoutMillis: 1, maxLifetimeSeconds: 1 },
      { client: app },
    );
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

    // setSecret done, finishSecret not yet: the database only takes the pending password.
    await env.client.send(
      new PutSecretValueCommand({
        SecretId: 'lib/single',
        ClientRequestToken: '11111111-2222-4333-8444-555555555555',
        SecretString: credential('lib_single', 'Lib-single-new-pw-2'),
        VersionStages: ['AWSPENDING'],
      }),
    );
    await setPassword('lib_single', 'Lib-single-new-pw-2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = await pool.query<{ u: string }>('SELECT session_user::text AS u');
    expect(during.rows).toEqual([{ u: 'lib_single' }]);

    await env.client.send(
      new PutSecretValueCommand({
        SecretId: 'lib/single',
        ClientRequestToken: '11111111-2222-4333-8444-555555555555',
        SecretString: credential('lib_single', 'Lib-single-new-pw-2'),
        VersionStages: ['AWSCURRENT'],
      }),
    );
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('moves new connections to the new user when AWSCURRENT alternates, and drains the old pool', async () => {
    await setPassword('lib_alt', 'Lib-alt-pw-1', true);
    await setPassword('lib_alt_clone', 'Lib-alt-clone-pw-1', true);
    await env.client.send(
      new CreateSecretCommand({ Name: 'lib/alt', SecretString: credential('lib_alt', 'Lib-alt-pw-1') }),
    );
    const secret = new RotatingSecret<PostgresCredential>({
      secretId: 'lib/alt',
      parse: parsePostgresCredential,
      maxAgeSeconds: 0,
      client: app,
    });
    const pool = new RotatingPool(secret, { max: 2, tls: { ca: server.caPem } });
    const held = await pool.connect();

    await env.client.send(
      new PutSecretValueCommand({
        SecretId: 'lib/alt',
        SecretString: credential('lib_alt_clone', 'Lib-alt-clone-pw-1'),
      }),
    );
    const after = await pool.query<{ u: string }>('SELECT session_user::text AS u');
    expect(after.rows).toEqual([{ u: 'lib_alt_clone' }]);
    // A client checked out of the old pool keeps working until it is released.
    expect((await held.query<{ u: string }>('SELECT session_user::text AS u')).rows).toEqual([
      { u: 'lib_alt' },
    ]);
    held.release();
    await pool.end();
  });

  it('turns a burst of rejected connections into one Secrets Manager refresh', async () => {
    await setPassword('lib_burst', 'Lib-burst-pw-1', true);
    await env.client.send(
      new CreateSecretCommand({ Name: 'lib/burst', SecretString: credential('lib_burst', 'Lib-burst-pw-1') }),
    );
    const secret = pgSecret('lib/burst');
    const warm = new RotatingPool(secret, { max: 20, tls: { ca: server.caPem } });
    await warm.query('SELECT 1');
    await warm.end();
    await env.client.send(
      new PutSecretValueCommand({
        SecretId: 'lib/burst',
        SecretString: credential('lib_burst', 'Lib-burst-pw-2'),
      }),
    );
    await setPassword('lib_burst', 'Lib-burst-pw-2');

    const pool = new RotatingPool(secret, { max: 20, tls: { ca: server.caPem } });
    const before = calls;
    await Promise.all(Array.from({ length: 20 }, () => pool.query('SELECT 1')));

    expect(calls - before).toBe(1);
    await pool.end();
  });
});

describe('createTokenFetch', () => {
  it('refreshes on 401 and retries once for idempotent requests, never for others unless allowed', async () => {
    const first = tokens.state.issue('lib-1', ['read'], undefined, new Date());
    const second = tokens.state.issue('lib-2', ['read'], undefined, new Date());
    secrets.push(first.token, second.token);
    await env.client.send(
      new CreateSecretCommand({ Name: 'lib/token', SecretString: JSON.stringify({ token: first.token }) }),
    );
    const secret = new RotatingSecret({
      secretId: 'lib/token',
      parse: (s) => ({ token: String(JSON.parse(s).token) }),
      client: app,
      minRefreshIntervalMs: 0,
    });
    const call = createTokenFetch({ secret });
    expect((await call(`${tokens.url}/v1/me`)).status).toBe(200);

    await env.client.send(
      new PutSecretValueCommand({
        SecretId: 'lib/token',
        SecretString: JSON.stringify({ token: second.token }),
      }),
    );
    tokens.state.revoke(first.id);

    expect((await call(`${tokens.url}/v1/me`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call(`${tokens.url}/v1/me`)).status).toBe(200);
    const third = tokens.state.issue('lib-3', ['read'], undefined, new Date());
    secrets.push(third.token);
    await env.client.send(
      new PutSecretValueCommand({
        SecretId: 'lib/token',
        SecretString: JSON.stringify({ token: third.token }),
      }),
    );
    tokens.state.revoke(second.id);
    expect(
      (await call(`${tokens.url}/v1/me`, { method: 'POST', body: '{}', retryOn401: true })).status,
    ).not.toBe(401);
  });
});
