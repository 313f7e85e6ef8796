import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
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

const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

/** A TCP listener on 127.0.0.1 that hands each connection to `onConnection`, and counts closed ones. */
async function listen(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  let closed = 0;
  const listener: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Read what arrives, so the client's close is seen.
    socket.resume();
    socket.on('close', () => {
      closed += 1;
      sockets.delete(socket);
    });
    onConnection(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  return {
    port,
    closed: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        listener.close(() => resolve());
      }),
  };
}

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
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

  it('times a held login only while the server owes an answer, and closes it at once when the hold is dropped', async () => {
    const quick = (target: PostgresLogin) =>
      createPostgresConnector({
        ca: readFileSync(server.caFile, 'utf8'),
        connectTimeoutMs: 300,
        statementTimeoutMs: 5_000,
      })(target);
    // Held three times longer than the connect timeout: the wait is this side's, not the server's.
    let give: (password: string) => void = () => undefined;
    const later = new Promise<string>((resolve) => {
      give = resolve;
    });
    const waiting = quick(login({ password: '', passwordLater: later }));
    await new Promise((resolve) => setTimeout(resolve, 900));
    give(OWN.password);
    const session = await waiting;
    await session.end();

    // A listener that never answers: the clock runs, and the login times out as any other would.
    const silent = await listen(() => undefined);
    const closedBefore = silent.closed();
    try {
      const startedAt = performance.now();
      await expect(
        quick(login({ host: '127.0.0.1', port: silent.port, passwordLater: new Promise(() => undefined) })),
      ).rejects.toMatchObject({ name: 'PostgresConnectionError', reason: 'connection timed out' });
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      expect(await eventually(() => silent.closed() > closedBefore)).toBe(true);
      const closedAfterTimeout = silent.closed();

      // Dropped while the connection is still short of the password request: closed at once.
      const unused = new Error('the step did not use this warm connection');
      let drop: (reason: unknown) => void = () => undefined;
      const dropped = new Promise<string>((_resolve, reject) => {
        drop = reject;
      });
      const attempt = quick(login({ host: '127.0.0.1', port: silent.port, passwordLater: dropped }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      drop(unused);
      await expect(attempt).rejects.toBe(unused);
      // Sooner than the 300 ms its clock would have allowed the server.
      expect(await eventually(() => silent.closed() > closedAfterTimeout, 200)).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('does not use a login opened before its password was known that the server let in without one', async () => {
    // A server that trusts everyone: AuthenticationOk, its report of who logged in, ReadyForQuery.
    const trusting = await listen((socket) => {
      socket.once('data', () => {
        const ok = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
        const name = Buffer.from(`session_authorization\0${OWN.username}\0`);
        const report = Buffer.concat([Buffer.from([0x53]), int32(name.length + 4), name]);
        const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
        socket.write(Buffer.concat([ok, report, ready]));
      });
    });
    try {
      const password = new Promise<string>(() => undefined);
      await expect(
        connect(
          login({ host: '127.0.0.1', port: trusting.port, sslMode: 'disable', passwordLater: password }),
        ),
      ).rejects.toMatchObject({
        name: 'PostgresConnectionError',
        reason: 'the server asked for no password',
      });
      // The same server, for a login whose password was known: the session opens.
      const session = await connect(login({ host: '127.0.0.1', port: trusting.port, sslMode: 'disable' }));
      expect(session.identity.sessionUser).toBe(OWN.username);
      void session.end();
    } finally {
      await trusting.close();
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
