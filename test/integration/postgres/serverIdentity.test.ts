import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresConnector } from '../../../shared/targets/postgres/connectPostgres.js';
import type { PostgresLogin } from '../../../shared/targets/postgres/PostgresSession.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { createRole } from './postgresFixture.js';

// Who a session belongs to is what the server says, whatever the client sent. These logins come
// straight to the connector, past the secret's field checks, as a second line behind them: a NUL in
// a startup field makes the server read the rest as further fields.

let server: TestPostgres;
const OWN = { username: 'identity_own', password: 'Identity-own-pw-4Kd9' };
const VICTIM = { username: 'identity_victim', password: 'Identity-victim-pw-7Qw2' };

beforeAll(async () => {
  server = await startTestPostgres();
  await createRole(server, OWN.username, OWN.password);
  await createRole(server, VICTIM.username, VICTIM.password);
});

afterAll(async () => {
  await server?.close();
});

const connect = (target: PostgresLogin) =>
  createPostgresConnector({
    ca: readFileSync(server.caFile, 'utf8'),
    connectTimeoutMs: 2_000,
    statementTimeoutMs: 5_000,
  })(target);

function login(overrides: Partial<PostgresLogin>): PostgresLogin {
  return {
    host: server.host,
    port: server.port,
    dbname: 'postgres',
    username: OWN.username,
    password: OWN.password,
    sslMode: 'verify-full',
    which: 'AWSCURRENT',
    privileged: false,
    ...overrides,
  };
}

describe('the connector', () => {
  it('holds the password until authenticateAfter settles, and sends none when it rejects', async () => {
    // A wrong password: had it been sent, the server's refusal would be the error.
    const refused = new Error('the proof failed');
    const proof = Promise.reject(refused);
    proof.catch(() => undefined);
    const held = connect(login({ password: 'Wrong-password-1', authenticateAfter: proof }));
    await expect(held).rejects.toBe(refused);

    let release: (value: true) => void = () => undefined;
    const gate = new Promise<true>((resolve) => {
      release = resolve;
    });
    let settled = false;
    const waiting = connect(login({ authenticateAfter: gate })).finally(() => {
      settled = true;
    });
    // The connection and TLS handshake go ahead; the login completes only once the gate opens.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toBe(false);
    release(true);
    const session = await waiting;
    try {
      expect(session.identity.sessionUser).toBe(OWN.username);
    } finally {
      await session.end();
    }
  });

  it("records the server's session_user and current_user for every session", async () => {
    const session = await connect(login({}));
    try {
      expect(session.identity).toEqual({ sessionUser: OWN.username, currentUser: OWN.username });
    } finally {
      await session.end();
    }
  });

  it("refuses a session the server says is another role's, when a startup field smuggles a second user", async () => {
    const forged = login({
      username: VICTIM.username,
      dbname: `postgres\u0000user\u0000${OWN.username}`,
    });
    await expect(connect(forged)).rejects.toMatchObject({
      name: 'PostgresIdentityError',
      username: VICTIM.username,
      sessionUser: OWN.username,
    });
    expect(await server.canLogin(VICTIM.username, VICTIM.password)).toBe(true);
  });

  it('never puts the password in the identity error', async () => {
    const error = await connect(
      login({ username: VICTIM.username, dbname: `postgres\u0000user\u0000${OWN.username}` }),
    ).catch((e: unknown) => e as Error);
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain(OWN.password);
  });
});
