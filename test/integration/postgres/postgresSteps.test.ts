import { afterAll, describe, expect, it } from 'vitest';
import {
  canLogin,
  type PostgresFixture,
  postgresFixture,
  SEED_VERSION,
  STEPS,
  type Strategy,
  usePostgresFixtures,
  VERSION_1,
  VERSION_2,
} from './postgresFixture.js';

/**
 * Takes back every grant of `role` to `member`, whoever made it: a superuser's plain REVOKE only takes
 * back its own grants, and the master made these.
 */
async function revokeEveryGrant(c: import('pg').Client, role: string, member: string): Promise<void> {
  const grants = await c.query<{ grantor: string }>(
    'SELECT g.rolname AS grantor FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.grantor WHERE m.roleid = $1::regrole AND m.member = $2::regrole',
    [c.escapeIdentifier(role), c.escapeIdentifier(member)],
  );
  expect(grants.rows.length).toBeGreaterThan(0);
  for (const { grantor } of grants.rows) {
    await c.query(
      `REVOKE ${c.escapeIdentifier(role)} FROM ${c.escapeIdentifier(member)} GRANTED BY ${c.escapeIdentifier(grantor)}`,
    );
  }
}

const db = usePostgresFixtures({ user: 'app', password: (n) => `Initial-${n}-pw-Zq8` });
const { output, fixture, uniqueUser } = db;

afterAll(() => {
  // The server logged every statement (checked for plaintext passwords when it closes).
  expect(db.server.serverLog()).toContain('ALTER ROLE');
});

/** The invariant after a rotation: AWSCURRENT logs in; for single user AWSPREVIOUS no longer does, for alternating it still does. */
async function expectRotated(f: PostgresFixture, strategy: Strategy): Promise<void> {
  const current = f.login('AWSCURRENT');
  const previous = f.login('AWSPREVIOUS');
  expect(f.store.snapshot()[VERSION_1]?.stages).toContain('AWSCURRENT');
  expect(await canLogin(db.server, current.username, current.password)).toBe(true);
  expect(await canLogin(db.server, previous.username, previous.password)).toBe(strategy === 'alternating');
  if (strategy === 'alternating') expect(current.username).toBe(`${previous.username}_clone`);
  else expect(current.username).toBe(previous.username);
}

describe.each(['single', 'alternating'] as const)(
  '%s user rotation on a real Postgres over TLS',
  (strategy) => {
    it('rotates, keeping the secret keys, and the new login works', async () => {
      const f = await fixture({ strategy, master: strategy === 'alternating' });

      await f.rotate(VERSION_1, 1);

      await expectRotated(f, strategy);
      const stored = JSON.parse(f.store.valueAt('AWSCURRENT') ?? '{}') as Record<string, unknown>;
      expect(stored['port']).toBe(String(db.server.port));
      expect(stored['dbInstanceIdentifier']).toBe('orders-db');
    });

    it('reaches the same state when every step runs twice', async () => {
      const f = await fixture({ strategy, master: strategy === 'alternating' });

      for (const step of STEPS) {
        await f.step(step);
        await f.step(step);
      }

      await expectRotated(f, strategy);
    });

    it('converges after a crash before or after every database statement and Secrets Manager call', async () => {
      const probe = await fixture({ strategy, master: strategy === 'alternating' });
      await probe.rotate(VERSION_1, 1);
      const calls = [...probe.gate.calls];
      expect(calls.some((c) => c.startsWith('SQL set the password'))).toBe(true);
      expect(calls).toContain('PutSecretValue');

      const failures: string[] = [];
      for (let index = 0; index < calls.length; index++) {
        for (const when of ['before', 'after'] as const) {
          const f = await fixture({ strategy, master: strategy === 'alternating', crashAt: { index, when } });
          try {
            await f.rotate(VERSION_1, 3);
            expect(f.gate.crashed).toBe(true);
            await expectRotated(f, strategy);
          } catch (error) {
            failures.push(
              `${when} ${calls[index]} (#${index}): ${(error as Error).name}: ${(error as Error).message}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);

    it('handles names that need quoting and passwords with every printable character', async () => {
      const everyPrintable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
      const f = await fixture({
        strategy,
        master: strategy === 'alternating',
        username: uniqueUser('Order-Svc "Zürich"'),
        password: everyPrintable,
        env: { EXCLUDE_CHARACTERS: ' ' },
      });

      await f.rotate(VERSION_1, 1);

      await expectRotated(f, strategy);
    });
  },
);

describe('connections', () => {
  it.each(['single', 'alternating'] as const)(
    '%s: at most one session per role per step, every one closed',
    async (strategy) => {
      const f = await fixture({ strategy, master: true });
      const perStep: string[][] = [];
      for (const step of STEPS) {
        const before = f.gate.calls.length;
        await f.step(step);
        perStep.push(f.gate.calls.slice(before).filter((c) => c.startsWith('connect as ')));
      }
      for (const connects of perStep) expect(new Set(connects).size).toBe(connects.length);
      // A backend leaves pg_stat_activity a moment after its client closed: poll briefly.
      let open = -1;
      for (let attempt = 0; attempt < 20 && open !== 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        open = await db.server.admin(
          async (c) =>
            (
              await c.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'secrets-rotation'",
              )
            ).rows[0]?.n ?? -1,
        );
      }
      expect(open).toBe(0);
    },
  );
});

describe('single user', () => {
  it('recovers with AWSPREVIOUS when AWSCURRENT no longer logs in', async () => {
    const f = await fixture({ strategy: 'single' });
    await f.rotate(VERSION_1, 1);
    const working = f.login('AWSCURRENT');
    // A later rotation whose stored AWSCURRENT is stale, but AWSPREVIOUS holds the working password.
    f.store.addVersion(
      VERSION_2,
      JSON.stringify({ ...JSON.parse(f.store.valueAt('AWSCURRENT') ?? '{}'), password: 'stale-Password-1' }),
      ['AWSCURRENT'],
    );
    f.store.addVersion(
      VERSION_1,
      JSON.stringify({ ...JSON.parse(f.store.valueAt('AWSPREVIOUS') ?? '{}'), password: working.password }),
      ['AWSPREVIOUS'],
    );
    const next = '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098';
    f.begin(next);

    await f.rotate(next, 1);

    const current = f.login('AWSCURRENT');
    expect(await canLogin(db.server, current.username, current.password)).toBe(true);
    expect(output.text()).toContain('"loggedInWith":"AWSPREVIOUS"');
  });

  it('uses the master secret when the secret names one', async () => {
    const f = await fixture({ strategy: 'single', master: true });
    await f.rotate(VERSION_1, 1);
    await expectRotated(f, 'single');
    expect(output.text()).toContain('Password set with the master secret');
  });

  it('refuses a pending secret that changes the user, host or database', async () => {
    const f = await fixture({ strategy: 'single' });
    const current = JSON.parse(f.store.valueAt('AWSCURRENT') ?? '{}') as Record<string, unknown>;
    f.store.addVersion(
      VERSION_1,
      JSON.stringify({ ...current, username: 'someone_else', dbname: 'other', password: 'New-pw-123456' }),
      ['AWSPENDING'],
    );

    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'PendingIdentityChangedError',
      keys: ['username', 'dbname'],
    });
  });
});

describe('alternating users', () => {
  it('keeps both logins working and alternates back to the original on the next rotation', async () => {
    const f = await fixture({ strategy: 'alternating', master: true });
    await f.rotate(VERSION_1, 1);
    const clone = f.login('AWSCURRENT');
    f.begin(VERSION_2);

    await f.rotate(VERSION_2, 1);

    const current = f.login('AWSCURRENT');
    expect(current.username).toBe(clone.username.replace(/_clone$/, ''));
    expect(await canLogin(db.server, current.username, current.password)).toBe(true);
    expect(await canLogin(db.server, clone.username, clone.password)).toBe(true);
  });

  it('makes objects created by either login owned by the original, so migrations keep working', async () => {
    const f = await fixture({ strategy: 'alternating', master: true });
    const original = f.login('AWSCURRENT');
    await db.server.admin((c) =>
      c.query(
        `CREATE SCHEMA ${c.escapeIdentifier(`${original.username}_s`)} AUTHORIZATION ${c.escapeIdentifier(original.username)}`,
      ),
    );
    await f.rotate(VERSION_1, 1);
    const clone = f.login('AWSCURRENT');
    const pg = await import('pg');
    const as = async (login: { username: string; password: string }, sql: string) => {
      const client = new pg.default.Client({
        host: db.server.host,
        port: db.server.port,
        user: login.username,
        password: login.password,
        database: 'postgres',
        ssl: { ca: db.server.caPem },
      });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Array<Record<string, unknown>>;
      } finally {
        await client.end();
      }
    };
    const schema = `"${original.username}_s"`;

    await as(clone, `CREATE TABLE ${schema}.orders (id int)`);
    await as(f.login('AWSPREVIOUS'), `ALTER TABLE ${schema}.orders ADD COLUMN total int`);

    const owner = await as(
      clone,
      `SELECT tableowner FROM pg_tables WHERE schemaname = '${original.username}_s'`,
    );
    expect(owner).toEqual([{ tableowner: original.username }]);
  });

  it('repairs a clone that lost its membership and reports extra memberships by name', async () => {
    const f = await fixture({ strategy: 'alternating', master: true });
    await f.rotate(VERSION_1, 1);
    const clone = f.login('AWSCURRENT').username;
    const original = f.login('AWSPREVIOUS').username;
    await db.server.admin(async (c) => {
      await revokeEveryGrant(c, original, clone);
      await c.query('CREATE ROLE drift_extra_role NOLOGIN').catch(() => undefined);
      await c.query(`GRANT drift_extra_role TO ${c.escapeIdentifier(clone)}`);
    });
    f.begin(VERSION_2);

    await f.rotate(VERSION_2, 1);

    const members = await db.server.admin(async (c) =>
      (
        await c.query(
          `SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1 ORDER BY 1`,
          [clone],
        )
      ).rows.map((r: { rolname: string }) => r.rolname),
    );
    expect(members).toEqual([original, 'drift_extra_role'].sort());
    expect(output.text()).toContain('drift_extra_role');
  });

  it('fails testSecret when the clone stops acting as the original, and setSecret repairs it', async () => {
    const f = await fixture({ strategy: 'alternating', master: true });
    await f.step('createSecret');
    await f.step('setSecret');
    const clone = f.login('AWSPENDING').username;
    await db.server.admin((c) => c.query(`ALTER ROLE ${c.escapeIdentifier(clone)} RESET role`));

    await expect(f.step('testSecret')).rejects.toMatchObject({ name: 'PostgresCheckFailedError' });
    await f.step('setSecret');
    await f.step('testSecret');
  });

  it('with an overlap, the AWSPREVIOUS login expires and the new one never does', async () => {
    const f = await fixture({
      strategy: 'alternating',
      master: true,
      env: { PREVIOUS_LOGIN_TTL_SECONDS: '600' },
    });

    await f.rotate(VERSION_1, 1);

    const rows = await db.server.admin(
      async (c) =>
        (
          await c.query('SELECT rolname, rolvaliduntil FROM pg_roles WHERE rolname = ANY($1)', [
            [f.login('AWSCURRENT').username, f.login('AWSPREVIOUS').username],
          ])
        ).rows as Array<{ rolname: string; rolvaliduntil: Date | null }>,
    );
    const validUntil = Object.fromEntries(rows.map((r) => [r.rolname, r.rolvaliduntil]));
    const expires = validUntil[f.login('AWSPREVIOUS').username];
    expect(expires).toBeInstanceOf(Date);
    expect((expires as Date).getTime()).toBeGreaterThan(Date.now() + 500_000);
    expect(String(validUntil[f.login('AWSCURRENT').username])).toMatch(/Infinity|infinity/);
  });
});

describe('bad inputs get a named error and change nothing', () => {
  async function expectUnchanged(
    f: PostgresFixture,
    login: { username: string; password: string },
    works: boolean,
  ) {
    expect(await canLogin(db.server, login.username, login.password)).toBe(works);
    expect(f.store.snapshot()[SEED_VERSION]?.stages).toEqual(['AWSCURRENT']);
  }

  it('a wrong current password', async () => {
    const f = await fixture({ strategy: 'single' });
    const real = f.login('AWSCURRENT');
    f.store.addVersion(
      SEED_VERSION,
      JSON.stringify({ ...JSON.parse(f.store.valueAt('AWSCURRENT') ?? '{}'), password: 'Wrong-password-1' }),
      ['AWSCURRENT'],
    );
    await f.step('createSecret');

    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'NoWorkingCredentialsError',
      tried: ['AWSCURRENT'],
    });
    await expectUnchanged(f, real, true);
  });

  it('a missing master secret', async () => {
    const f = await fixture({
      strategy: 'alternating',
      secretExtra: { masterarn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-AbCdEf' },
    });
    await f.step('createSecret');
    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'MasterSecretError',
      message: expect.stringContaining('cannot be described (ResourceNotFoundException'),
    });
    await expectUnchanged(f, f.login('AWSCURRENT'), true);
  });

  it('no master secret at all for alternating users', async () => {
    const f = await fixture({ strategy: 'alternating' });
    await f.step('createSecret');
    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'MasterSecretError',
      masterArn: undefined,
    });
  });

  it('a master without privileges', async () => {
    const powerless = uniqueUser('powerless');
    await postgresFixture(db.server, {
      strategy: 'single',
      username: powerless,
      password: 'Powerless-pw-1234',
    });
    const f = await fixture({
      strategy: 'alternating',
      masterValue: { username: powerless, password: 'Powerless-pw-1234' },
    });
    await f.step('createSecret');
    const pending = f.login('AWSPENDING');

    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'PostgresStatementError',
      sqlState: '42501',
    });
    expect(
      await db.server.admin(
        async (c) =>
          (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username])).rowCount,
      ),
    ).toBe(0);
  });

  it('a user missing in the database never proves a login, so the master is not used', async () => {
    const f = await fixture({ strategy: 'single', master: true, noRole: true });
    await f.step('createSecret');
    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'UnprovenSecretError',
      tried: ['AWSCURRENT'],
    });
    expect(f.gate.calls).not.toContain('connect as master');
  });

  it('a master secret for another host that RDS does not relate', async () => {
    const g = await fixture({
      strategy: 'alternating',
      masterValue: {
        username: 'postgres',
        password: db.server.superuser.password,
        host: 'other-db.example.internal',
      },
    });
    await g.step('createSecret');
    await expect(g.step('setSecret')).rejects.toMatchObject({
      name: 'HostMismatchError',
      masterHost: 'other-db.example.internal',
    });
    await expectUnchanged(g, g.login('AWSCURRENT'), true);
  });

  it('an ssl key the function does not know', async () => {
    const f = await fixture({ strategy: 'single', secretExtra: { ssl: 'prefer' } });
    const error = await f.step('createSecret').catch((e: unknown) => e as Error);
    expect(error).toMatchObject({
      name: 'InvalidSecretValueError',
      stage: 'AWSCURRENT',
      cause: { key: 'ssl' },
    });
    expect(String(error)).toContain(
      "key 'ssl' must be true, false or one of verify-full, verify-ca, disable",
    );
  });

  it('verified TLS without the server CA', async () => {
    const f = await fixture({ strategy: 'single', env: { PG_CA_FILE: '' } });
    await f.step('createSecret');
    await expect(f.step('setSecret')).rejects.toMatchObject({ name: 'PostgresTlsError' });
  });

  it('a server certificate for another host', async () => {
    const f = await fixture({ strategy: 'single', secretExtra: { host: '127.0.0.2' } });
    await f.step('createSecret');
    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'PostgresTlsError',
      reason: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('an unreachable host fails fast, naming host and port', async () => {
    const f = await fixture({ strategy: 'single', secretExtra: { port: 1 } });
    await f.step('createSecret');
    const error = await f.step('setSecret').then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ name: 'PostgresConnectionError', host: '127.0.0.1', port: 1 });
    expect(error.message).toContain('127.0.0.1:1');
  });

  it('a host that accepts TCP but never answers times out within the bound', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const f = await fixture({
        strategy: 'single',
        secretExtra: { port },
        env: { PG_CONNECT_TIMEOUT_MS: '300' },
      });
      await f.step('createSecret');
      await expect(f.step('setSecret')).rejects.toMatchObject({
        name: 'PostgresConnectionError',
        port,
        reason: 'connection timed out',
      });
    } finally {
      silent.close();
    }
  });

  it('plaintext only when the function is configured for it, with a warning', async () => {
    const f = await fixture({
      strategy: 'single',
      secretExtra: { ssl: false },
      env: { PG_SSL_MODE: 'disable' },
    });
    await f.rotate(VERSION_1, 1);
    await expectRotated(f, 'single');
    expect(output.text()).toContain('TLS is disabled');
  });

  it("a secret's ssl key cannot lower the function's TLS: refused before anything is staged", async () => {
    for (const ssl of [false, 'disable', 'verify-ca']) {
      const f = await fixture({ strategy: 'single', secretExtra: { ssl } });
      await expect(f.step('createSecret')).rejects.toMatchObject({
        name: 'TlsDowngradeError',
        requested: ssl === false ? 'disable' : ssl,
        required: 'verify-full',
      });
      expect(f.store.snapshot()[VERSION_1]?.value).toBeUndefined();
      expect(f.gate.calls.filter((label) => label.startsWith('connect'))).toEqual([]);
    }
  });
});

describe('alternating users: a clone that lost its membership', () => {
  it('is repaired once the original login proves, even while the clone itself still logs in', async () => {
    const f = await fixture({ strategy: 'alternating', master: true });
    await f.rotate(VERSION_1, 1);
    const clone = f.login('AWSCURRENT').username;
    const original = f.login('AWSPREVIOUS').username;
    // Both lost: the clone now logs in as itself, so only the master's session can tell it is no clone.
    await db.server.admin(async (c) => {
      await revokeEveryGrant(c, original, clone);
      await c.query(`ALTER ROLE ${c.escapeIdentifier(clone)} RESET role`);
    });
    expect(await canLogin(db.server, clone, f.login('AWSCURRENT').password)).toBe(true);
    f.begin(VERSION_2);

    await f.rotate(VERSION_2, 1);

    const members = await db.server.admin(async (c) =>
      (
        await c.query(
          'SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1',
          [clone],
        )
      ).rows.map((r: { rolname: string }) => r.rolname),
    );
    expect(members).toEqual([original]);
  });
});
