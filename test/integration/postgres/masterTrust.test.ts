import { describe, expect, it } from 'vitest';
import {
  canLogin,
  createRole,
  MASTER_ARN,
  type PostgresFixture,
  SEED_VERSION,
  usePostgresFixtures,
} from './postgresFixture.js';

// What a master secret may do for a user secret, on a real Postgres over TLS: the secret proves a
// working login first, points at the master's own database, and names no privileged role.

const db = usePostgresFixtures({ user: 'trust', password: (n) => `Trust-initial-${n}-pw-Qx7` });
const { fixture, uniqueUser } = db;

const masterConnects = (f: PostgresFixture) => f.gate.calls.filter((c) => c === 'connect as master').length;
/** The master's password went out: its connection may open while the proof runs, but waits for it. */
const masterAuthentications = (f: PostgresFixture) =>
  f.gate.events.filter((event) => event === 'authenticate as master').length;

async function expectUntouched(f: PostgresFixture, username: string, password: string) {
  expect(await canLogin(db.server, username, password)).toBe(true);
  expect(f.store.snapshot()[SEED_VERSION]?.stages).toEqual(['AWSCURRENT']);
}

describe.each(['single', 'alternating'] as const)('%s user with a master secret', (strategy) => {
  it('never uses the master when neither AWSCURRENT nor AWSPREVIOUS logs in', async () => {
    const f = await fixture({ strategy, master: true });
    const real = f.login('AWSCURRENT');
    f.storeWrongCurrentPassword('Guessed-password-1');
    await f.step('createSecret');

    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'UnprovenSecretError',
      tried: ['AWSCURRENT'],
    });
    expect(masterAuthentications(f)).toBe(0);
    await expectUntouched(f, real.username, real.password);
  });

  it('refuses a master secret outside ALLOWED_MASTER_SECRET_ARNS before reading its value', async () => {
    const f = await fixture({
      strategy,
      master: true,
      env: { ALLOWED_MASTER_SECRET_ARNS: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:/platform/*' },
    });
    const real = f.login('AWSCURRENT');
    await f.step('createSecret');
    const readsBefore = f.gate.calls.length;

    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'MasterSecretNotAllowedError',
      masterArn: MASTER_ARN,
    });
    expect(f.gate.calls.slice(readsBefore)).not.toContain('connect as master');
    // Not even read ahead: neither by the name as written nor by the ARN DescribeSecret returned.
    expect(f.extraValueReads).toEqual([]);
    await expectUntouched(f, real.username, real.password);
  });

  it('rotates when the master is on the allow-list, its password sent once, after the proof', async () => {
    const f = await fixture({
      strategy,
      master: true,
      env: { ALLOWED_MASTER_SECRET_ARNS: `${MASTER_ARN.replace(/-[A-Za-z]{6}$/, '')}-*` },
    });
    await f.rotate(undefined, 1);
    const current = f.login('AWSCURRENT');
    expect(await canLogin(db.server, current.username, current.password)).toBe(true);
    if (strategy === 'alternating') {
      // The master connected alongside the proof, and authenticated only once the proof had logged in.
      expect(masterAuthentications(f)).toBe(1);
      expect(f.gate.events.indexOf('authenticate as master')).toBeGreaterThan(
        f.gate.events.indexOf('authenticate as AWSCURRENT'),
      );
    }
  });

  it('refuses a secret whose port is not the master database port', async () => {
    const f = await fixture({ strategy, master: true, secretExtra: { port: String(db.server.port + 1) } });
    await f.step('createSecret');
    await expect(f.step('setSecret')).rejects.toMatchObject({ name: 'HostMismatchError' });
    expect(f.gate.calls.filter((c) => c.startsWith('connect'))).toEqual([]);
  });

  it.each([
    ['a superuser', 'SUPERUSER'],
    ['a role with CREATEROLE', 'CREATEROLE'],
    ['a role with BYPASSRLS', 'BYPASSRLS'],
    ['a role with REPLICATION', 'REPLICATION'],
  ])('refuses to change %s', async (_label, attribute) => {
    const f = await fixture({ strategy, master: true });
    const real = f.login('AWSCURRENT');
    await db.server.admin((c) =>
      c.query(`ALTER ROLE ${c.escapeIdentifier(real.username)} WITH ${attribute}`),
    );
    await f.step('createSecret');

    await expect(f.step('setSecret')).rejects.toMatchObject({
      name: 'PrivilegedRoleError',
      role: real.username,
    });
    await expectUntouched(f, real.username, real.password);
  });

  it.each(['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program'])(
    'refuses to change a member (even indirect) of %s',
    async (predefined) => {
      const f = await fixture({ strategy, master: true });
      const real = f.login('AWSCURRENT');
      const middle = uniqueUser('middle');
      await db.server.admin(async (c) => {
        await c.query(`CREATE ROLE ${c.escapeIdentifier(middle)} NOLOGIN`);
        await c.query(`GRANT ${predefined} TO ${c.escapeIdentifier(middle)}`);
        await c.query(`GRANT ${c.escapeIdentifier(middle)} TO ${c.escapeIdentifier(real.username)}`);
      });
      await f.step('createSecret');

      await expect(f.step('setSecret')).rejects.toMatchObject({
        name: 'PrivilegedRoleError',
        reasons: [`it is a member of ${predefined}`],
      });
      await expectUntouched(f, real.username, real.password);
    },
  );

  it("refuses to change the master's own user, even with its real password", async () => {
    const f = await fixture({ strategy, master: true });
    const master = JSON.parse(f.masterSecret() ?? '{}') as { username: string; password: string };
    // A secret that names the master's own login (by mistake or not) still proves a login...
    const current = JSON.parse(f.store.valueAt('AWSCURRENT') ?? '{}') as Record<string, unknown>;
    f.store.addVersion(SEED_VERSION, JSON.stringify({ ...current, ...master }), ['AWSCURRENT']);
    await f.step('createSecret');

    // ...but the master never changes its own role through another secret.
    await expect(f.step('setSecret')).rejects.toMatchObject({ name: 'PrivilegedRoleError' });
    expect(await canLogin(db.server, master.username, master.password)).toBe(true);
  });
});

describe('an RDS-managed master secret (username and password only)', () => {
  it("finds the database through RDS from the secret's aws:rds tag, never from the user secret", async () => {
    const lookups: string[] = [];
    const instanceArn = 'arn:aws:rds:us-east-1:000000000000:db:orders-db';
    const f = await fixture({
      strategy: 'alternating',
      master: true,
      masterTags: { 'aws:rds:primaryDBInstanceArn': instanceArn },
      hostlessMaster: true,
      database: async (arn) => {
        lookups.push(arn);
        return { host: db.server.host, port: db.server.port, dbname: 'postgres' };
      },
    });
    await f.rotate(undefined, 1);

    expect(lookups).toContain(instanceArn);
    const current = f.login('AWSCURRENT');
    expect(current.username).toMatch(/_clone$/);
    expect(await canLogin(db.server, current.username, current.password)).toBe(true);
  });

  it('without a host or an aws:rds tag the master is refused: its database is unknown', async () => {
    const f = await fixture({ strategy: 'alternating', master: true, hostlessMaster: true });
    const real = f.login('AWSCURRENT');
    await f.step('createSecret');

    await expect(f.step('setSecret')).rejects.toMatchObject({ name: 'MasterSecretError' });
    expect(masterConnects(f)).toBe(0);
    await expectUntouched(f, real.username, real.password);
  });

  it('a user secret on another host than the RDS database is refused before any login', async () => {
    const f = await fixture({
      strategy: 'alternating',
      master: true,
      hostlessMaster: true,
      masterTags: { 'aws:rds:primaryDBClusterArn': 'arn:aws:rds:us-east-1:000000000000:cluster:orders' },
      database: async () => ({
        host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com',
        port: db.server.port,
        dbname: undefined,
      }),
    });
    await f.step('createSecret');

    await expect(f.step('setSecret')).rejects.toMatchObject({ name: 'HostMismatchError' });
    expect(f.gate.calls.filter((c) => c.startsWith('connect'))).toEqual([]);
  });
});

describe('alternating users: a look-alike clone name proves nothing', () => {
  it("refuses a login named like another role's clone that is not a member of it", async () => {
    const victim = uniqueUser('victim');
    await createRole(db.server, victim, 'Victim-password-123');
    // The attacker's own role happens to be named "<victim>_clone"; it logs in, but is no clone.
    const f = await fixture({ strategy: 'alternating', master: true, username: `${victim}_clone` });
    await f.step('createSecret');

    // Membership is asked in the master's own session, before it changes anything.
    await expect(f.step('setSecret')).rejects.toMatchObject({ name: 'CloneNotMemberError' });
    expect(
      f.gate.calls.filter((c) => c.startsWith('SQL') && !/read the role|check the roles/.test(c)),
    ).toEqual([]);
    expect(await canLogin(db.server, victim, 'Victim-password-123')).toBe(true);
  });
});
