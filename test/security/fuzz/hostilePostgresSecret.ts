import fc from 'fast-check';
import {
  absent,
  fixed,
  type HostileSecret,
  hostileSecret,
  type Piece,
  perCase,
  pieces,
  type Scenario,
} from './hostileSecret.js';
import { auditSafe, longText, unicodeText, withControlCharacters, wrongJsonType } from './hostileValues.js';

/** What a Postgres secret may name: the attacker's own login, everyone else's, and the places. */
export interface PostgresTargets {
  readonly host: string;
  readonly port: number;
  readonly own: { readonly username: string; readonly password: string };
  readonly clone: string;
  readonly victims: readonly string[];
  readonly masterUsername: string;
  readonly superuser: string;
  readonly masterArn: string;
  readonly adminArn: string;
  readonly otherDatabase: string;
  readonly attacker: { readonly host: string; readonly port: number; readonly origin: string };
}

const scenario = (label: string, set: Record<string, Piece>): Scenario => ({ label, set });

/** Generic hostile text of every kind for a key that holds a string. */
function anyText(kind: string, credential = false): fc.Arbitrary<Piece> {
  const text = (arb: fc.Arbitrary<string>) => (credential ? auditSafe(arb) : arb);
  return fc.oneof(
    pieces(`${kind} random`, text(unicodeText()), credential),
    pieces(`${kind} long`, text(longText()), credential),
    pieces(`${kind} wrong type`, wrongJsonType()),
    fc.constant(fixed(`${kind} empty`, '')),
  );
}

/**
 * A Postgres secret its writer controls entirely, starting from the attacker's own valid one:
 * engine, host, port, dbname, username, password, masterarn, and the optional ssl and RDS
 * identifiers, each kept or replaced by anything from random Unicode to a victim's name.
 */
export function hostilePostgresSecret(t: PostgresTargets): fc.Arbitrary<HostileSecret> {
  const victim = fc.constantFrom(...t.victims);
  const longest = t.victims.reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a));
  const masterName = t.masterArn.split(':').at(-1) ?? '';

  const host = fc.oneof(
    fc.constant(absent),
    anyText('host'),
    pieces('host with controls', withControlCharacters(t.host)),
    pieces('host victim name', victim),
    pieces(
      'host',
      fc.constantFrom(
        t.attacker.host,
        '127.0.0.2',
        '::1',
        '[::1]',
        'LOCALHOST',
        `${t.host}.`,
        '/tmp',
        '/var/run/postgresql',
        `${t.host}:${t.attacker.port}`,
        `${t.host},${t.attacker.host}`,
        t.attacker.origin,
        '0.0.0.0',
        '2130706433',
        ` ${t.host}`,
      ),
    ),
  );
  const port = fc.oneof(
    fc.constant(absent),
    pieces('port wrong type', wrongJsonType()),
    pieces(
      'port',
      fc.constantFrom(
        t.attacker.port,
        String(t.attacker.port),
        String(t.port),
        `${t.port} `,
        `0${t.port}`,
        `${t.port}abc`,
        `0x${t.port.toString(16)}`,
        0,
        -1,
        65_536,
        t.port + 0.5,
        1e21,
        '',
      ),
    ),
    pieces('port random text', unicodeText(8)),
  );
  const dbname = fc.oneof(
    fc.constant(absent),
    anyText('dbname'),
    pieces('dbname victim name', victim),
    victim.map((v) =>
      fixed(`dbname startup injection user=${JSON.stringify(v)}`, `postgres\u0000user\u0000${v}`),
    ),
    fc.constant(
      fixed(`dbname startup injection user=${t.own.username}`, `postgres\u0000user\u0000${t.own.username}`),
    ),
    victim.map((v) =>
      fixed(
        `dbname startup injection options=-c role=${JSON.stringify(v)}`,
        `postgres\u0000options\u0000-c role=${v}`,
      ),
    ),
    fc.constant(fixed('dbname startup injection replication', 'postgres\u0000replication\u0000database')),
    pieces('dbname with controls', withControlCharacters('postgres')),
    pieces(
      'dbname',
      fc.constantFrom(
        t.otherDatabase,
        'template0',
        'template1',
        'fz_missing',
        'a'.repeat(63),
        'a'.repeat(64),
      ),
    ),
  );
  const username = fc.oneof(
    fc.constant(absent),
    anyText('username'),
    pieces('username victim', victim),
    victim.map((v) =>
      fixed(
        `username startup injection ${JSON.stringify(v)} then user=${t.own.username}`,
        `${v}\u0000user\u0000${t.own.username}`,
      ),
    ),
    victim.map((v) =>
      fixed(
        `username startup injection ${t.own.username} then user=${JSON.stringify(v)}`,
        `${t.own.username}\u0000user\u0000${v}`,
      ),
    ),
    pieces('username with controls', withControlCharacters(t.own.username)),
    victim.map((v) => fixed(`username look-alike clone of ${JSON.stringify(v)}`, `${v}_clone`)),
    pieces(
      'username',
      fc.constantFrom(
        t.masterUsername,
        t.superuser,
        t.clone,
        t.own.username.toUpperCase(),
        ` ${t.own.username}`,
        `${t.own.username} `,
        `${longest}x`,
        `${t.own.username}${'x'.repeat(60)}`,
      ),
    ),
  );
  const password = fc.oneof(
    fc.constant(absent),
    anyText('password', true),
    pieces('own password with controls', withControlCharacters(t.own.password), true),
    fc.constant(
      fixed(
        'own password with a startup injection',
        `${t.own.password}\u0000user\u0000${t.victims[0] ?? ''}`,
      ),
    ),
    fc.constant(fixed('own password, trailing space', `${t.own.password} `)),
    pieces('guessed victim password', auditSafe(victim.map((v) => `${v}-guess`)), true),
  );
  const masterarn = fc.oneof(
    fc.constant(absent),
    anyText('masterarn'),
    pieces('master ARN with controls', withControlCharacters(t.masterArn)),
    fc.constant(perCase("masterarn the fuzzed secret's own ARN", (values) => values.ownArn)),
    pieces(
      'masterarn',
      fc.constantFrom(
        t.adminArn,
        t.masterArn.toUpperCase(),
        `${t.masterArn}x`,
        t.masterArn.slice(0, -7),
        masterName,
        '*',
        `${t.masterArn.slice(0, -7)}*`,
        `${t.masterArn},${t.adminArn}`,
        ` ${t.masterArn}`,
        t.attacker.origin,
      ),
    ),
  );
  const ssl = fc.oneof(
    pieces(
      'ssl',
      fc.constantFrom(
        true,
        false,
        'verify-full',
        'verify-ca',
        'disable',
        'require',
        'prefer',
        'true',
        1,
        0,
        null,
      ),
    ),
    anyText('ssl'),
  );
  const engine = fc.oneof(
    fc.constant(absent),
    anyText('engine'),
    pieces('engine', fc.constantFrom('aurora-postgresql', 'mysql', 'POSTGRES', 'postgres ', 'redshift')),
    pieces('engine with controls', withControlCharacters('postgres')),
  );
  const rdsIdentifier = (key: string) =>
    fc.oneof(
      anyText(key),
      pieces(`${key} victim`, victim),
      pieces(key, fc.constantFrom('security-db', t.attacker.host, t.attacker.origin)),
      pieces(`${key} with controls`, withControlCharacters('fuzz-db')),
    );

  const own = t.own.username;
  return hostileSecret({
    base: [
      ['engine', fixed('postgres', 'postgres')],
      ['host', fixed('db host', t.host)],
      ['port', fixed('db port', t.port)],
      ['dbname', fixed('postgres', 'postgres')],
      ['username', fixed('own', own)],
      ['password', fixed('own password', t.own.password)],
      ['masterarn', fixed('allowed master', t.masterArn)],
    ],
    mutations: {
      engine,
      host,
      port,
      dbname,
      username,
      password,
      masterarn,
      ssl,
      dbInstanceIdentifier: rdsIdentifier('dbInstanceIdentifier'),
      dbClusterIdentifier: rdsIdentifier('dbClusterIdentifier'),
    },
    scenarios: [
      // The server authenticates the last `user` of the startup message: the attacker's own, with
      // the attacker's own password, while the function believes it proved the victim's login.
      fc.constantFrom(...t.victims).map((v) =>
        scenario(`impersonate ${JSON.stringify(v)} with user=${own} in dbname`, {
          username: fixed('victim', v),
          dbname: fixed(`startup injection user=${own}`, `postgres\u0000user\u0000${own}`),
        }),
      ),
      fc.constantFrom(...t.victims).map((v) =>
        scenario(`impersonate ${JSON.stringify(v)} with user=${own} in username`, {
          username: fixed(`${JSON.stringify(v)} then user=${own}`, `${v}\u0000user\u0000${own}`),
        }),
      ),
      fc.constantFrom(...t.victims).map((v) =>
        scenario(`victim ${JSON.stringify(v)} without a master`, {
          username: fixed('victim', v),
          masterarn: absent,
        }),
      ),
      fc.constantFrom(
        scenario('the attacker listener as the database', {
          host: fixed('attacker host', t.attacker.host),
          port: fixed('attacker port', t.attacker.port),
        }),
        scenario('the attacker port on the database host', { port: fixed('attacker port', t.attacker.port) }),
        scenario("the master's own user", { username: fixed('master user', t.masterUsername) }),
        scenario('TLS off towards the attacker listener', {
          host: fixed('attacker host', t.attacker.host),
          port: fixed('attacker port', t.attacker.port),
          ssl: fixed('ssl', false),
        }),
      ),
    ],
  });
}
