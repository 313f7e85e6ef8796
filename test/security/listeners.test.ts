import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Certificates, makeCertificates } from '../../local/postgres/makeCertificates.js';
import { auditSecrets } from '../../testing/leaks/leakAudit.js';
import { credentialsReached } from './support/credentialsReached.js';
import { redirectTo, startHttpAttacker } from './support/startHttpAttacker.js';
import { startPostgresAttacker } from './support/startPostgresAttacker.js';

// These tests prove the attacker listeners catch a credential when one is sent, so that the
// security suite's "nothing reached the attacker" assertions are not vacuously true.

/** A fresh credential with characters that URL and JSON encoding change. */
function credential(): string {
  const value = `p@ss w/rd+"${randomBytes(12).toString('base64url')}`;
  auditSecrets([value]);
  return value;
}

/** Compared instead of values, so a failing assertion does not print a credential. */
const fingerprint = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 12);

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function postgresAttacker(options?: Parameters<typeof startPostgresAttacker>[0]) {
  const attacker = await startPostgresAttacker(options);
  closers.push(() => attacker.close());
  return attacker;
}

async function httpAttacker(options?: Parameters<typeof startHttpAttacker>[0]) {
  const attacker = await startHttpAttacker(options);
  closers.push(() => attacker.close());
  return attacker;
}

/** Connects a real `pg` client, which must fail (the attacker never authenticates anyone); returns the error. */
async function connectionError(config: pg.ClientConfig): Promise<unknown> {
  const client = new pg.Client({ connectionTimeoutMillis: 2_000, ...config });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return error;
  }
  await client.end();
  throw new Error('The client authenticated against the attacker');
}

describe('startPostgresAttacker', () => {
  let certificates: Certificates;
  let otherCa: string;
  beforeAll(async () => {
    certificates = await makeCertificates({ dns: ['localhost'], ips: ['127.0.0.1'] });
    otherCa = (await makeCertificates({ dns: ['localhost'], ips: ['127.0.0.1'] })).caPem;
  });

  it('harvests the clear-text password of a client connecting without TLS', async () => {
    const attacker = await postgresAttacker();
    const password = credential();

    const error = await connectionError({
      host: attacker.host,
      port: attacker.port,
      user: 'postgres',
      database: 'app',
      password,
      application_name: 'rotation',
      ssl: false,
    });

    expect(error).toMatchObject({ code: '28P01', severity: 'FATAL' });
    expect(credentialsReached(attacker.received(), { masterPassword: password })).toEqual(['masterPassword']);
    expect(attacker.passwords.map(fingerprint)).toEqual([fingerprint(password)]);
    expect(attacker.startups).toEqual([
      expect.objectContaining({ user: 'postgres', database: 'app', application_name: 'rotation' }),
    ]);
    expect(attacker.connections).toBe(1);
  });

  it('harvests the password through TLS the client verified, with a certificate valid for its own host', async () => {
    const attacker = await postgresAttacker({
      tls: { certPem: certificates.serverCertPem, keyPem: certificates.serverKeyPem },
    });
    const password = credential();

    const error = await connectionError({
      host: attacker.host,
      port: attacker.port,
      user: 'postgres',
      password,
      ssl: { ca: certificates.caPem, servername: 'localhost', rejectUnauthorized: true },
    });

    expect(error).toMatchObject({ code: '28P01' });
    expect(credentialsReached(attacker.received(), { masterPassword: password })).toEqual(['masterPassword']);
    expect(attacker.passwords.map(fingerprint)).toEqual([fingerprint(password)]);
  });

  it('receives nothing after the SSLRequest from a client that rejects its certificate', async () => {
    const attacker = await postgresAttacker({
      tls: { certPem: certificates.serverCertPem, keyPem: certificates.serverKeyPem },
    });
    const password = credential();

    const error = await connectionError({
      host: attacker.host,
      port: attacker.port,
      user: 'postgres',
      password,
      ssl: { ca: otherCa, servername: 'localhost' },
    });

    // Both CAs carry the same subject, so OpenSSL finds the wrong one and reports a bad signature.
    expect(error).toMatchObject({
      code: expect.stringMatching(/^(CERT_SIGNATURE_FAILURE|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/),
    });
    expect(attacker.received()).toHaveLength(8);
    expect(attacker.startups).toEqual([]);
    expect(attacker.passwords).toEqual([]);
  });

  it('answers N to an SSLRequest without a certificate, so a client requiring TLS sends no password', async () => {
    const attacker = await postgresAttacker();
    const password = credential();

    const error = await connectionError({
      host: attacker.host,
      port: attacker.port,
      user: 'postgres',
      password,
      ssl: { rejectUnauthorized: false },
    });

    expect(error).toMatchObject({ message: 'The server does not support SSL connections' });
    expect(credentialsReached(attacker.received(), { masterPassword: password })).toEqual([]);
    expect(attacker.startups).toEqual([]);
  });

  it('receives an MD5 hash, not the password, when it asks for MD5', async () => {
    const attacker = await postgresAttacker({ auth: 'md5' });
    const password = credential();

    const error = await connectionError({
      host: attacker.host,
      port: attacker.port,
      user: 'postgres',
      password,
      ssl: false,
    });

    expect(error).toMatchObject({ code: '28P01' });
    expect(attacker.passwords).toHaveLength(1);
    expect(attacker.passwords[0]).toMatch(/^md5[0-9a-f]{32}$/);
    expect(credentialsReached(attacker.received(), { masterPassword: password })).toEqual([]);
  });

  it('reassembles messages split across TCP chunks, on several connections', async () => {
    const attacker = await postgresAttacker();
    const password = credential();
    const startup = message(null, int32(196608), 'user\0alice\0options\0-c search_path=x\0\0');
    const gssRequest = message(null, int32(80877104));
    const passwordMessage = message('p', `${password}\0`);

    const first = await rawExchange(attacker.port, [gssRequest, startup, passwordMessage], 1);
    const second = await rawExchange(attacker.port, [Buffer.concat([startup, passwordMessage])], 4096);

    expect(first.subarray(0, 2).toString('latin1')).toBe('NR');
    expect(first.includes('28P01')).toBe(true);
    expect(second.includes('28P01')).toBe(true);
    expect(attacker.connections).toBe(2);
    expect(attacker.startups).toEqual([
      { user: 'alice', options: '-c search_path=x' },
      { user: 'alice', options: '-c search_path=x' },
    ]);
    expect(attacker.passwords.map(fingerprint)).toEqual([fingerprint(password), fingerprint(password)]);
  });
});

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

/** A v3 message: typed (`p`) or, with a null type, untyped as the first messages of a connection are. */
function message(type: string | null, ...parts: Array<Buffer | string>): Buffer {
  const body = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
  const header =
    type === null ? int32(body.length + 4) : Buffer.concat([Buffer.from(type), int32(body.length + 4)]);
  return Buffer.concat([header, body]);
}

/** Sends `messages` in chunks of `chunkSize` bytes, one per event-loop turn; resolves with the reply. */
async function rawExchange(port: number, messages: Buffer[], chunkSize: number): Promise<Buffer> {
  const socket: Socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const reply: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => reply.push(chunk));
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const bytes = Buffer.concat(messages);
  for (let at = 0; at < bytes.length; at += chunkSize) {
    socket.write(bytes.subarray(at, at + chunkSize));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await closed;
  return Buffer.concat(reply);
}

describe('startHttpAttacker', () => {
  it('records the authorization header fetch sends', async () => {
    const attacker = await httpAttacker();
    const adminToken = credential();

    const response = await fetch(`${attacker.origin}/tokens?x=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ name: 'svc' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(attacker.requests).toHaveLength(1);
    expect(attacker.requests[0]).toMatchObject({
      method: 'POST',
      url: '/tokens?x=1',
      body: '{"name":"svc"}',
    });
    expect(fingerprint(attacker.requests[0]?.headers['authorization'] ?? '')).toBe(
      fingerprint(`Bearer ${adminToken}`),
    );
    expect(credentialsReached(attacker.received(), { adminToken })).toEqual(['adminToken']);
  });

  it('answers with what respond returns', async () => {
    const attacker = await httpAttacker({
      respond: (request) => ({ status: 201, headers: { 'x-seen': request.method }, body: 'created' }),
    });

    const response = await fetch(attacker.origin, { method: 'PUT' });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen')).toBe('PUT');
    expect(await response.text()).toBe('created');
  });

  it('passes a followed 307 on to a second attacker, which receives the body fetch re-sends', async () => {
    const second = await httpAttacker();
    const first = await httpAttacker({ respond: redirectTo(second.origin) });
    const adminToken = credential();
    const newToken = credential();

    const response = await fetch(`${first.origin}/v1/tokens`, {
      method: 'POST',
      redirect: 'follow',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: newToken }),
    });

    expect(response.status).toBe(200);
    expect(second.requests).toMatchObject([{ method: 'POST', url: '/v1/tokens' }]);
    // fetch drops `authorization` on a cross-origin redirect, but a 307 re-sends the body as it was.
    expect(credentialsReached(second.received(), { adminToken, newToken })).toEqual(['newToken']);
  });

  it('sends nothing to the redirect target when fetch does not follow redirects', async () => {
    const second = await httpAttacker();
    const first = await httpAttacker({ respond: redirectTo(second.origin, 302) });
    const adminToken = credential();

    const response = await fetch(`${first.origin}/v1/tokens`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${adminToken}` },
    });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${second.origin}/v1/tokens`);
    expect(second.requests).toEqual([]);
    expect(credentialsReached(first.received(), { adminToken })).toEqual(['adminToken']);
  });
});

describe('credentialsReached', () => {
  const credentials = { masterPassword: 'p@ss w/rd+"Zq81xK', apiToken: 'tok_5c0ffee5c0ffee' } as const;

  it.each([
    ['raw', (value: string) => `password=${value};`],
    ['URL-encoded', (value: string) => `/login?password=${encodeURIComponent(value)}`],
    ['form-encoded', (value: string) => new URLSearchParams({ password: value }).toString()],
    ['JSON-escaped', (value: string) => JSON.stringify({ password: value })],
    ['base64', (value: string) => Buffer.from(value).toString('base64')],
    ['base64 inside Basic credentials', (value: string) => Buffer.from(`admin:${value}`).toString('base64')],
    ['base64url at another alignment', (value: string) => Buffer.from(`ab${value}c`).toString('base64url')],
  ])('finds a credential sent %s', (_, encode) => {
    const received = encode(credentials.masterPassword);

    expect(credentialsReached(received, credentials)).toEqual(['masterPassword']);
    expect(credentialsReached(Buffer.from(`x${received}x`), credentials)).toEqual(['masterPassword']);
  });

  it('returns the names of every credential found and nothing when none is', () => {
    expect(credentialsReached(`${credentials.apiToken} ${credentials.masterPassword}`, credentials)).toEqual([
      'masterPassword',
      'apiToken',
    ]);
    expect(credentialsReached('p@ss w/rd+ tok_5c0ffee', credentials)).toEqual([]);
  });

  it('rejects a credential too short to detect, naming it without its value', () => {
    expect(() => credentialsReached('', { pin: 'x7Q!' })).toThrow(/"pin"/);
    expect(() => credentialsReached('', { pin: 'x7Q!' })).not.toThrow(/x7Q!/);
  });
});
