import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresConnector } from '../../../shared/targets/postgres/connectPostgres.js';
import type { PostgresLogin } from '../../../shared/targets/postgres/PostgresSession.js';
import { FaultPlan } from '../../../testing/faults/FaultPlan.js';
import { type FaultProxy, startFaultProxy } from '../../../testing/faults/startFaultProxy.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { createRole } from './postgresFixture.js';

// Who a session belongs to is what the server says, whatever the client sent. These logins come
// straight to the connector, past the secret's field checks, as a second line behind them: a NUL in
// a startup field makes the server read the rest as further fields.

let server: TestPostgres;
// A TLS-terminating proxy that keeps the server's session_authorization report from the client, as a
// connection pooler that does not pass it on would; the plan only records the calls.
let pooler: FaultProxy;
const poolerPlan = new FaultPlan();
// The same proxy passing everything on, to see what a session sends when the report arrives.
let passing: FaultProxy;
const passingPlan = new FaultPlan();
const OWN = { username: 'identity_own', password: 'Identity-own-pw-4Kd9' };
const VICTIM = { username: 'identity_victim', password: 'Identity-victim-pw-7Qw2' };

beforeAll(async () => {
  server = await startTestPostgres();
  await createRole(server, OWN.username, OWN.password);
  await createRole(server, VICTIM.username, VICTIM.password);
  const proxy = (plan: FaultPlan, dropServerParameters: readonly string[]) =>
    startFaultProxy({
      protocol: 'postgres',
      service: 'postgres',
      upstream: { host: server.host, port: server.port },
      plan,
      tls: { ...server.serverCertificate(), caPem: server.caPem },
      dropServerParameters,
    });
  pooler = await proxy(poolerPlan, ['session_authorization']);
  passing = await proxy(passingPlan, []);
});

afterAll(async () => {
  await pooler?.close();
  await passing?.close();
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

/** The victim's name, with the owner's name smuggled into the startup message behind a NUL. */
async function expectSmuggledUserRefused(where: Partial<PostgresLogin>): Promise<void> {
  const forged = login({
    ...where,
    username: VICTIM.username,
    dbname: `postgres\u0000user\u0000${OWN.username}`,
  });
  await expect(connect(forged)).rejects.toMatchObject({
    name: 'PostgresIdentityError',
    username: VICTIM.username,
    sessionUser: OWN.username,
  });
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

  it('answers the password request from passwordLater only, once it settles, and sends nothing when it rejects', async () => {
    // The real password in `password`: had the connector used it, the login would have worked.
    const unused = new Error('the place changed');
    const withheld = Promise.reject(unused);
    withheld.catch(() => undefined);
    await expect(connect(login({ passwordLater: withheld }))).rejects.toBe(unused);

    let give: (password: string) => void = () => undefined;
    const later = new Promise<string>((resolve) => {
      give = resolve;
    });
    let settled = false;
    const waiting = connect(login({ password: 'Wrong-password-2', passwordLater: later })).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toBe(false);
    give(OWN.password);
    const session = await waiting;
    try {
      expect(session.identity.sessionUser).toBe(OWN.username);
    } finally {
      await session.end();
    }
  });

  it("takes the session's user from the server's startup report, without a statement", async () => {
    passingPlan.arm();
    const session = await connect(login({ host: passing.host, port: passing.port }));
    try {
      expect(session.identity).toEqual({ sessionUser: OWN.username, reportedAtStartup: true });
      expect(passingPlan.calls).toEqual(['postgres connect']);
    } finally {
      await session.end();
    }
  });

  it("reports the login's own user when its role's settings name another session_authorization", async () => {
    // The owner sets it on its own role, as any role may; at login the server does not apply it and
    // reports who really logged in, so the report is no more the owner's to shape than session_user.
    const own = await connect(login({}));
    try {
      await own.query(
        'set a role default',
        `ALTER ROLE ${own.identifier(OWN.username)} SET session_authorization TO ${own.literal(VICTIM.username)}`,
      );
    } finally {
      await own.end();
    }
    try {
      const session = await connect(login({}));
      try {
        expect(session.identity).toEqual({ sessionUser: OWN.username, reportedAtStartup: true });
      } finally {
        await session.end();
      }
    } finally {
      await server.admin((c) => c.query(`ALTER ROLE ${OWN.username} RESET session_authorization`));
    }
  });

  it('gets no session when the startup message asks for another session_authorization', async () => {
    // A startup field smuggled behind a NUL sets options as the client: the server refuses the login
    // itself (permission denied), so no session exists to report anyone.
    await expect(
      connect(login({ dbname: `postgres\u0000options\u0000-c session_authorization=${VICTIM.username}` })),
    ).rejects.toMatchObject({ name: 'PostgresConnectionError', reason: '42501' });
  });

  it('asks the server for session_user where its startup report does not arrive', async () => {
    poolerPlan.arm();
    const session = await connect(login({ host: pooler.host, port: pooler.port }));
    try {
      expect(session.identity).toEqual({ sessionUser: OWN.username, reportedAtStartup: false });
      expect(poolerPlan.calls).toEqual(['postgres connect', 'postgres SELECT']);
    } finally {
      await session.end();
    }
  });

  it('refuses a smuggled second user where the startup report does not arrive, too', async () => {
    poolerPlan.arm();
    await expectSmuggledUserRefused({ host: pooler.host, port: pooler.port });
    expect(poolerPlan.calls).toEqual(['postgres connect', 'postgres SELECT']);
  });

  it("refuses a session the server says is another role's, when a startup field smuggles a second user", async () => {
    await expectSmuggledUserRefused({});
    expect(await server.canLogin(VICTIM.username, VICTIM.password)).toBe(true);
  });

  it('never puts the password in the identity error', async () => {
    const error = await connect(
      login({ username: VICTIM.username, dbname: `postgres\u0000user\u0000${OWN.username}` }),
    ).catch((e: unknown) => e as Error);
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain(OWN.password);
  });
});
