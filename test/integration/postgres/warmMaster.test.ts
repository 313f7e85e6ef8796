import { describe, expect, it } from 'vitest';
import { canLogin, type PostgresFixture, usePostgresFixtures, VERSION_2 } from './postgresFixture.js';

// A warm container's head start on the master's connection, on a real Postgres over TLS: it opens
// where the master's database was while the step's Secrets Manager reads are on the wire, and gets the
// master's password only once the master secret, read afresh, names exactly that place.

const db = usePostgresFixtures({ user: 'warm', password: (n) => `Warm-initial-${n}-pw-Hy6` });
const { fixture } = db;

const masterUser = (f: PostgresFixture) =>
  (JSON.parse(f.masterSecret() ?? '{}') as { username: string }).username;

/** Runs `step` of rotation VERSION_2 and returns the calls and events it made, and what the server logged. */
async function observe(f: PostgresFixture, step: 'setSecret' | 'finishSecret', expectFailure = false) {
  const calls = f.gate.calls.length;
  const events = f.gate.events.length;
  const log = db.server.serverLog().length;
  const run = f.step(step, VERSION_2);
  const error = expectFailure
    ? await run.then(
        () => undefined,
        (caught: unknown) => caught,
      )
    : await run;
  return {
    error,
    calls: f.gate.calls.slice(calls),
    events: f.gate.events.slice(events),
    serverLog: () => db.server.serverLog().slice(log),
  };
}

/** Backends of `user`, and backends still authenticating (the server does not know whose yet). */
async function openBackends(user: string): Promise<number> {
  return db.server.admin(async (client) => {
    const result = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND (usename = $1 OR state = 'starting')`,
      [user],
    );
    return result.rows[0]?.n ?? -1;
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

/** The rest of rotation VERSION_2: its new AWSCURRENT logs in. */
async function expectRotationCompletes(f: PostgresFixture): Promise<void> {
  await f.step('testSecret', VERSION_2);
  await f.step('finishSecret', VERSION_2);
  const current = f.login('AWSCURRENT');
  expect(await canLogin(db.server, current.username, current.password)).toBe(true);
}

describe.each(['single', 'alternating'] as const)('%s user: a warm master connection', (strategy) => {
  it('opens before the proof can, and is the one connection the master uses, after the proof', async () => {
    const f = await fixture({ strategy, master: true });
    await f.rotate(undefined, 1);
    f.begin(VERSION_2);
    await f.step('createSecret', VERSION_2);

    const { calls, events } = await observe(f, 'setSecret');

    // Opened as the step started: before the proof's login, which needs a value the step reads.
    expect(calls.filter((call) => call === 'connect as master')).toHaveLength(1);
    expect(calls.indexOf('connect as master')).toBeLessThan(calls.indexOf('connect as AWSCURRENT'));
    expect(events).toContain(`warm master connection to ${db.server.host}:${db.server.port}`);
    // Its password came from this step's read, and its client proof went out only after the secret's.
    expect(events).toContain(`password given to the warm master connection to ${db.server.host}`);
    expect(events.indexOf('authenticate as master')).toBeGreaterThan(
      events.indexOf('authenticate as AWSCURRENT'),
    );
    expect(events.filter((event) => event === 'authenticate as master')).toHaveLength(1);

    await expectRotationCompletes(f);
  });

  it('gives the warm connection nothing when the master secret now names another host, and connects there', async () => {
    const f = await fixture({
      strategy,
      master: true,
      // The same server under another name the certificate covers: the secret's host is a replica.
      topology: async () => ({ together: true, reason: 'the same database in this test' }),
    });
    await f.rotate(undefined, 1);
    const moved = { ...JSON.parse(f.masterSecret() ?? '{}'), host: 'localhost' };
    f.setMasterSecret(moved);
    f.begin(VERSION_2);
    await f.step('createSecret', VERSION_2);

    const { calls, events } = await observe(f, 'setSecret');

    expect(events).toContain(`warm master connection to ${db.server.host}:${db.server.port}`);
    expect(events).toContain(`password withheld from the warm master connection to ${db.server.host}`);
    expect(events).not.toContain(`password given to the warm master connection to ${db.server.host}`);
    expect(calls.filter((call) => call === 'connect as master')).toHaveLength(2);
    expect(events.filter((event) => event === 'authenticate as master')).toHaveLength(1);

    await expectRotationCompletes(f);
  });

  it('never authenticates when the proof fails, and closes the warm connection with the step', async () => {
    const f = await fixture({ strategy, master: true });
    await f.rotate(undefined, 1);
    const real = f.login('AWSCURRENT');
    // Someone with write access to the secret stores a password that does not log in.
    f.storeWrongCurrentPassword('Guessed-password-2');
    f.begin(VERSION_2);
    await f.step('createSecret', VERSION_2);

    const { error, events, serverLog } = await observe(f, 'setSecret', true);

    expect(error).toMatchObject({ name: 'UnprovenSecretError' });
    expect(events).toContain(`warm master connection to ${db.server.host}:${db.server.port}`);
    expect(events).not.toContain('authenticate as master');
    expect(serverLog()).not.toMatch(new RegExp(`connection authorized: user=${masterUser(f)}\\b`));
    // An unfinished login, not a failed one: the server logs no authentication failure for the master.
    expect(serverLog()).not.toMatch(new RegExp(`password authentication failed for user "${masterUser(f)}"`));
    expect(await eventually(async () => (await openBackends(masterUser(f))) === 0)).toBe(true);
    expect(await canLogin(db.server, real.username, real.password)).toBe(true);
  });
});

describe('alternating users with a bounded overlap', () => {
  it("uses a warm master connection in finishSecret too, to end the previous login's overlap", async () => {
    const f = await fixture({
      strategy: 'alternating',
      master: true,
      env: { PREVIOUS_LOGIN_TTL_SECONDS: '3600' },
    });
    await f.rotate(undefined, 1);
    f.begin(VERSION_2);
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) await f.step(step, VERSION_2);

    const { calls, events } = await observe(f, 'finishSecret');

    expect(events).toContain(`password given to the warm master connection to ${db.server.host}`);
    expect(calls.filter((call) => call === 'connect as master')).toHaveLength(1);
    const previous = f.login('AWSPREVIOUS');
    const expiry = await db.server.admin((client) =>
      client.query<{ valid: boolean }>(
        "SELECT rolvaliduntil < now() + interval '2 hours' AS valid FROM pg_roles WHERE rolname = $1",
        [previous.username],
      ),
    );
    expect(expiry.rows[0]?.valid).toBe(true);
  });
});

describe('no warm master connection', () => {
  it('on the first rotation of a container: no master place is known yet', async () => {
    const f = await fixture({ strategy: 'alternating', master: true });
    await f.step('createSecret');
    const calls = f.gate.calls.length;
    await f.step('setSecret');
    expect(f.gate.events.some((event) => event.startsWith('warm '))).toBe(false);
    expect(f.gate.calls.slice(calls).filter((call) => call === 'connect as master')).toHaveLength(1);
  });
});
