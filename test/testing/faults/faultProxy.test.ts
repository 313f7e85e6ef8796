import { createServer, type Server } from 'node:http';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultPlan } from '../../../testing/faults/FaultPlan.js';
import { type FaultProxy, startFaultProxy } from '../../../testing/faults/startFaultProxy.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

describe('HTTP through the fault proxy', () => {
  const plan = new FaultPlan();
  let served = 0;
  let server: Server;
  let proxy: FaultProxy;
  let servedWhenKilled: number | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      served++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('done'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    proxy = await startFaultProxy({
      protocol: 'http',
      service: 'api',
      upstream: { host: '127.0.0.1', port },
      plan,
    });
    plan.kill = async () => {
      servedWhenKilled = served;
    };
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    served = 0;
    servedWhenKilled = undefined;
    plan.arm();
  });

  const post = (path: string) =>
    fetch(`${proxy.url}${path}`, { method: 'POST', body: 'x'.repeat(100_000) }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));

  it('passes calls through and labels them without ids', async () => {
    expect(await post('/v1/tokens/tok_0123456789abcdef')).toEqual({ status: 200, text: 'done' });
    expect(await post('/v1/tokens')).toEqual({ status: 200, text: 'done' });
    expect(plan.calls).toEqual(['api POST /v1/tokens/{id}', 'api POST /v1/tokens']);
    expect(served).toBe(2);
  });

  it('answers an error without reaching the service', async () => {
    plan.arm({ index: 1, kind: 'error' });
    await post('/a');
    const failed = await post('/b');
    expect(failed.status).toBe(500);
    expect(served).toBe(1);
    expect(plan.hit).toEqual({ index: 1, label: 'api POST /b', kind: 'error' });
  });

  it('drops the connection before the call reaches the service', async () => {
    plan.arm({ index: 0, kind: 'drop' });
    await expect(post('/a')).rejects.toThrow();
    expect(served).toBe(0);
  });

  it('cuts the connection after the service carried the call out', async () => {
    plan.arm({ index: 0, kind: 'cut' });
    await expect(post('/a')).rejects.toThrow();
    expect(served).toBe(1);
  });

  it('holds a call back for the plan delay', async () => {
    plan.delayMs = 300;
    plan.arm({ index: 0, kind: 'delay' });
    const started = performance.now();
    expect((await post('/a')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it.each([
    ['kill-before', 0],
    ['kill-after', 1],
  ] as const)('%s kills the caller when the service has served %i call(s)', async (kind, expected) => {
    plan.arm({ index: 0, kind });
    await expect(post('/a')).rejects.toThrow();
    expect(servedWhenKilled).toBe(expected);
  });
});

describe('the AWS SDK through the fault proxy', () => {
  let env: TestStack;
  let proxy: FaultProxy;
  let client: SecretsManagerClient;
  const plan = new FaultPlan();

  beforeAll(async () => {
    env = await startTestStack();
    const url = new URL(env.stack.url);
    proxy = await startFaultProxy({
      protocol: 'http',
      service: 'secretsmanager',
      upstream: { host: url.hostname, port: Number(url.port) },
      plan,
    });
    client = new SecretsManagerClient({
      endpoint: proxy.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await proxy.close();
    await env.close();
  });

  it('fails every SDK retry of the faulted call, and only that call', async () => {
    plan.arm({ index: 0, kind: 'error' });
    await expect(
      client.send(new CreateSecretCommand({ Name: 'proxy/one', SecretString: 'v' })),
    ).rejects.toMatchObject({
      name: 'InternalServiceError',
      $metadata: { attempts: 3 },
    });
    plan.endInvocation();
    const created = await client.send(new CreateSecretCommand({ Name: 'proxy/one', SecretString: 'v' }));
    expect(created.ARN).toContain('proxy/one');
    expect(plan.calls).toEqual(['secretsmanager CreateSecret', 'secretsmanager CreateSecret']);
  });

  it('lets the SDK retry a connection reset into a success', async () => {
    plan.arm({ index: 0, kind: 'drop' });
    const created = await client.send(new CreateSecretCommand({ Name: 'proxy/two', SecretString: 'v' }));
    expect(created.$metadata.attempts).toBe(2);
  });
});

describe('Postgres through the TLS-terminating fault proxy', () => {
  let postgres: TestPostgres;
  let proxy: FaultProxy;
  const plan = new FaultPlan();

  beforeAll(async () => {
    postgres = await startTestPostgres();
    proxy = await startFaultProxy({
      protocol: 'postgres',
      service: 'postgres',
      upstream: { host: postgres.host, port: postgres.port },
      plan,
      tls: { ...postgres.serverCertificate(), caPem: postgres.caPem },
    });
  }, 60_000);
  afterAll(async () => {
    await proxy.close();
    await postgres.close();
  });
  beforeEach(() => plan.arm());

  /** A superuser session through the proxy, over TLS verified against the server's CA. */
  async function session(): Promise<pg.Client> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: proxy.port,
      user: postgres.superuser.username,
      password: postgres.superuser.password,
      database: 'postgres',
      ssl: { ca: postgres.caPem, rejectUnauthorized: true },
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
  const tableExists = (name: string) =>
    postgres.admin(async (c) => (await c.query('SELECT to_regclass($1) AS t', [name])).rows[0]?.t !== null);

  it('passes verified TLS sessions and labels statements by keyword only', async () => {
    const client = await session();
    await client.query('SELECT 1');
    await client.query('SELECT $1::text AS v', ['secret-looking-value']);
    await client.end();
    expect(plan.calls).toEqual(['postgres connect', 'postgres SELECT', 'postgres SELECT']);
  });

  it('answers a statement with an ERROR, and the session goes on', async () => {
    plan.arm({ index: 1, kind: 'error' });
    const client = await session();
    await expect(client.query('CREATE TABLE error_never_ran (id int)')).rejects.toMatchObject({
      code: 'XX000',
    });
    expect((await client.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
    await client.end();
    expect(await tableExists('error_never_ran')).toBe(false);
  });

  it('refuses a connection with the server startup error', async () => {
    plan.arm({ index: 0, kind: 'error' });
    await expect(session()).rejects.toMatchObject({ code: '57P03' });
  });

  it('cuts a connection mid-statement: the server ran it, the client lost the answer', async () => {
    plan.arm({ index: 1, kind: 'cut' });
    const client = await session();
    await expect(client.query('CREATE TABLE cut_applied (id int)')).rejects.toThrow();
    expect(await tableExists('cut_applied')).toBe(true);
  });

  it('drops a connection before the statement reaches the server', async () => {
    plan.arm({ index: 1, kind: 'drop' });
    const client = await session();
    await expect(client.query('CREATE TABLE drop_never_ran (id int)')).rejects.toThrow();
    expect(await tableExists('drop_never_ran')).toBe(false);
  });

  it('delays a statement and then runs it', async () => {
    plan.delayMs = 300;
    plan.arm({ index: 1, kind: 'delay' });
    const client = await session();
    const started = performance.now();
    await client.query('CREATE TABLE delay_ran (id int)');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await client.end();
    expect(await tableExists('delay_ran')).toBe(true);
  });
});
