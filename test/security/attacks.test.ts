import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTokenServiceSettings } from '../../local/token-service/localTokenServiceSettings.js';
import type { TokenService } from '../../local/token-service/startTokenService.js';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import { scramVerifier } from '../../shared/targets/postgres/scramVerifier.js';
import { auditSecrets } from '../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { type RdsServer, startRdsServer } from '../../testing/rds/startRdsServer.js';
import { startTestPostgres, type TestPostgres } from '../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../support/startTestStack.js';
import { startTestTokenService } from '../support/startTestTokenService.js';
import { type AttackCase, loadAttackCorpus, type Profile } from './support/AttackCase.js';
import { credentialsReached } from './support/credentialsReached.js';
import {
  type HttpAttacker,
  type RecordedRequest,
  redirectTo,
  startHttpAttacker,
} from './support/startHttpAttacker.js';
import { type PostgresAttacker, startPostgresAttacker } from './support/startPostgresAttacker.js';

// Every attack of the corpus runs against the built functions on the local stack, with a real
// Postgres, a real token service and real listeners standing in for the attacker. Each must end in
// its named error with zero bytes of any credential at any attacker and nothing changed.

const corpus = loadAttackCorpus();
const FUNCTION_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const RDS_INSTANCE_ARN = 'arn:aws:rds:us-east-1:000000000000:db:security-db';
const GUESS = 'Guessed-password-0001';
const INTERNAL_DATA = `internal-${randomBytes(12).toString('hex')}`;

const secret = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;
/** Every credential of the suite by name; attackers must receive none of them. */
const credentials: Record<string, string> = {};
const remember = (name: string, value: string): string => {
  credentials[name] = value;
  auditSecrets([value]);
  return value;
};

const MASTERS = {
  rds: { username: 'sec_master_rds', password: remember('rds master password', secret('Rds-master')) },
  self: { username: 'sec_master_self', password: remember('self master password', secret('Self-master')) },
  foreign: {
    username: 'sec_master_foreign',
    password: remember('foreign master password', secret('Foreign-master')),
  },
};
const ADMIN_TOKEN = remember('admin token', secret('admin-token'));
const FOREIGN_ADMIN_TOKEN = remember('foreign admin token', secret('foreign-admin-token'));

let pg: TestPostgres;
let rds: RdsServer;
let tokens: TokenService;
let attackers: {
  pgTls: PostgresAttacker;
  pgPlain: PostgresAttacker;
  http: HttpAttacker;
  internal: HttpAttacker;
  /** An endpoint the attacker runs at an allowed origin that answers with whatever it was sent. */
  echo: HttpAttacker;
};
/** An allowed origin that redirects every call to the HTTP attacker. */
let redirector: HttpAttacker;
/**
 * A provider the platform itself configured, whose issue call answers with the caller's own
 * credential (an echoing or compromised API). It is sent the admin token by design, so it is not one
 * of the attacker's listeners; what it returns must still never be stored.
 */
let echoProvider: HttpAttacker;

interface ProfileStack {
  readonly env: TestStack;
  readonly arns: Readonly<Record<string, string>>;
}
const stacks = new Map<Profile, Promise<ProfileStack>>();

beforeAll(async () => {
  pg = await startTestPostgres();
  rds = await startRdsServer({
    instances: [{ identifier: 'security-db', address: 'localhost', port: pg.port, dbName: 'postgres' }],
  });
  tokens = await startTestTokenService({ adminTokens: [ADMIN_TOKEN, FOREIGN_ADMIN_TOKEN] });
  const http = await startHttpAttacker();
  const echoBack = (request: RecordedRequest) => ({
    status: 201,
    body: {
      token: (request.headers['authorization'] ?? '').replace(/^Bearer /, ''),
      id: `echo-${randomUUID()}`,
      headers: request.headers,
    },
  });
  echoProvider = await startHttpAttacker({ respond: echoBack });
  attackers = {
    pgTls: await startPostgresAttacker({ tls: pg.serverCertificate(), auth: 'cleartext' }),
    pgPlain: await startPostgresAttacker({ auth: 'cleartext' }),
    http,
    internal: await startHttpAttacker({
      respond: () => ({ status: 201, body: { token: INTERNAL_DATA, id: 'internal-1' } }),
    }),
    echo: await startHttpAttacker({ respond: echoBack }),
  };
  redirector = await startHttpAttacker({ respond: redirectTo(http.origin) });
  for (const master of Object.values(MASTERS))
    await createRole(master.username, master.password, 'CREATEROLE');
}, 60_000);

afterAll(async () => {
  try {
    for (const stack of stacks.values()) await (await stack).env.close();
  } finally {
    await Promise.all([
      ...Object.values(attackers ?? {}).map((a) => a.close()),
      redirector?.close(),
      echoProvider?.close(),
      tokens?.close(),
      rds?.close(),
    ]);
    await pg?.close();
  }
});

async function createRole(name: string, password: string, attributes = ''): Promise<void> {
  const verifier = await scramVerifier(password);
  await pg.admin((c) =>
    c.query(
      `CREATE ROLE ${c.escapeIdentifier(name)} WITH LOGIN ${attributes} PASSWORD ${c.escapeLiteral(verifier)}`,
    ),
  );
}

/** The function configuration of each profile; every key is set, so no default leaks between them. */
function profileEnvironment(
  profile: Profile,
  arns: Readonly<Record<string, string>>,
): Record<string, string> {
  const origins = `${tokens.url},${redirector.origin}`;
  // What a platform team deploys: exact allow-lists naming its own master and admin secrets.
  const base = {
    PG_CA_FILE: pg.caFile,
    AWS_ENDPOINT_URL_RDS: rds.url,
    TOKEN_PROVIDER_ALLOWED_ORIGINS: origins,
    TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'true',
    TOKEN_PROVIDER: '',
    TOKEN_PROVIDER_SETTINGS: '',
    ALLOWED_MASTER_SECRET_ARNS: [arns['master.rds'], arns['master.self'], arns['master.hostless']].join(','),
    ALLOWED_ADMIN_SECRET_ARNS: [arns['admin.arn'], arns['admin.with-settings']].join(','),
  };
  const functionSettings = {
    TOKEN_PROVIDER: 'http',
    TOKEN_PROVIDER_SETTINGS: JSON.stringify(localTokenServiceSettings(tokens.url)),
  };
  switch (profile) {
    case 'default':
      return base;
    case 'empty-lists':
      return { ...base, ...functionSettings, ALLOWED_MASTER_SECRET_ARNS: '', ALLOWED_ADMIN_SECRET_ARNS: '' };
    case 'open':
      // The explicit, documented-as-unsafe "any": only the rotated-secret rule stands.
      return {
        ...base,
        ...functionSettings,
        ALLOWED_MASTER_SECRET_ARNS: '*',
        ALLOWED_ADMIN_SECRET_ARNS: '*',
      };
    case 'attacker-origin':
      // An origin the platform allows, where the attacker runs an endpoint.
      return {
        ...base,
        TOKEN_PROVIDER_ALLOWED_ORIGINS: `${tokens.url},${attackers.http.origin},${attackers.echo.origin}`,
      };
    case 'echo-provider': {
      const settings = localTokenServiceSettings(tokens.url) as Record<string, Record<string, unknown>>;
      return {
        ...base,
        TOKEN_PROVIDER: 'http',
        TOKEN_PROVIDER_ALLOWED_ORIGINS: `${tokens.url},${echoProvider.origin}`,
        TOKEN_PROVIDER_SETTINGS: JSON.stringify({
          ...settings,
          issue: {
            ...settings['issue'],
            url: `${echoProvider.origin}/v1/tokens`,
            tokenPath: 'token',
            idPath: 'id',
          },
        }),
      };
    }
    case 'no-origins':
      return { ...base, TOKEN_PROVIDER_ALLOWED_ORIGINS: '' };
    case 'strict-http':
      return {
        ...base,
        TOKEN_PROVIDER_ALLOWED_ORIGINS: 'http://127.0.0.1:*',
        TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'false',
      };
    case 'function-settings':
      return { ...base, ...functionSettings };
    default: {
      const unreachable: never = profile;
      throw new Error(`unknown profile ${String(unreachable)}`);
    }
  }
}

/** A local stack per profile, with the master and admin secrets the platform team would keep. */
function stackFor(profile: Profile): Promise<ProfileStack> {
  let started = stacks.get(profile);
  if (started === undefined) {
    started = (async () => {
      const arns: Record<string, string> = {};
      const env = await startTestStack({
        retry: { maxAttempts: 1, baseDelayMs: 10 },
        functionEnvironment: () => profileEnvironment(profile, arns),
      });
      const create = async (name: string, value: Record<string, unknown>) =>
        (await env.client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) })))
          .ARN ?? '';
      // What RDS itself creates: a name callers cannot use, username and password only, and the
      // reserved tag naming its database.
      arns['master.rds'] = env.stack.secretsManager.store.createManagedSecret({
        name: `rds!db-${randomUUID()}`,
        secretString: JSON.stringify(MASTERS.rds),
        owningService: 'rds',
        tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: RDS_INSTANCE_ARN }],
      }).arn;
      const location = { engine: 'postgres', host: 'localhost', port: pg.port, dbname: 'postgres' };
      arns['master.self'] = await create('/platform/security/master', { ...location, ...MASTERS.self });
      arns['master.foreign'] = await create('/platform/other-team/master', {
        ...location,
        ...MASTERS.foreign,
      });
      // A master the platform keeps without a host (migrated from elsewhere): its database is unknown.
      arns['master.hostless'] = await create('/platform/security/hostless-master', MASTERS.self);
      arns['admin.arn'] = await create('/platform/security/token-admin', { token: ADMIN_TOKEN });
      arns['admin.foreign'] = await create('/platform/other-team/token-admin', {
        token: FOREIGN_ADMIN_TOKEN,
      });
      // An admin secret that describes its provider itself, so only the platform places its token.
      arns['admin.with-settings'] = await create('/platform/security/token-admin-with-settings', {
        token: ADMIN_TOKEN,
        settings: settingsAt(tokens.url, 'authorization'),
      });
      // Secrets this very function rotates: whoever owns a rotated secret could have written them.
      // RotateSecret first proves their AWSCURRENT works, which needs the open profile's settings.
      if (profile !== 'open') return { env, arns };
      const rotatedBy = async (name: string, fn: string, value: Record<string, unknown>) => {
        const arn = await create(name, value);
        await env.client.send(
          new RotateSecretCommand({
            SecretId: arn,
            RotationLambdaARN: FUNCTION_ARN(fn),
            RotationRules: { AutomaticallyAfterDays: 30 },
            RotateImmediately: false,
          }),
        );
        return arn;
      };
      arns['rotated.pg'] = await rotatedBy('/services/other-team/db', 'postgres-alternating-users', {
        ...location,
        ...MASTERS.self,
      });
      arns['rotated.token'] = await rotatedBy('/services/other-team/token', 'api-token', {
        provider: 'http',
        token: FOREIGN_ADMIN_TOKEN,
      });
      return { env, arns };
    })();
    stacks.set(profile, started);
  }
  return started;
}

/** The roles one attack works with, each administered by every master as an application role is. */
async function rolesFor(index: number) {
  const own = { username: `sec_${index}`, password: remember(`own password ${index}`, secret('Own')) };
  const victim = {
    username: `sec_${index}_victim`,
    password: remember(`victim password ${index}`, secret('Victim')),
  };
  const privileged = {
    username: `sec_${index}_admin`,
    password: remember(`privileged ${index}`, secret('Priv')),
  };
  const files = { username: `sec_${index}_files`, password: remember(`files ${index}`, secret('Files')) };
  const lookalike = {
    username: `${victim.username}_clone`,
    password: remember(`lookalike ${index}`, secret('Look')),
  };
  await createRole(own.username, own.password);
  await createRole(victim.username, victim.password);
  await createRole(privileged.username, privileged.password, 'CREATEROLE');
  await createRole(files.username, files.password);
  await createRole(lookalike.username, lookalike.password);
  // 63 bytes, the most Postgres keeps of a name: its clone's name would be truncated back into it.
  const long = {
    username: `sec_${index}_${'l'.repeat(63 - `sec_${index}_`.length)}`,
    password: remember(`long ${index}`, secret('Long')),
  };
  await createRole(long.username, long.password);
  await pg.admin(async (c) => {
    await c.query(`GRANT pg_execute_server_program TO ${c.escapeIdentifier(files.username)}`);
    for (const master of Object.values(MASTERS)) {
      for (const role of [own, victim, privileged, files, lookalike, long]) {
        await c.query(
          `GRANT ${c.escapeIdentifier(role.username)} TO ${c.escapeIdentifier(master.username)} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
        );
      }
    }
  });
  return { own, victim, privileged, files, lookalike, long };
}

/**
 * The attacker's look-alike clone login puts a schema it owns first on its search_path, with an `=`
 * on oids that is always true: any membership question answered in its session says yes.
 */
async function hostileSearchPath(role: string): Promise<void> {
  const schema = `${role}_evil`;
  await pg.admin(async (c) => {
    const s = c.escapeIdentifier(schema);
    await c.query(`CREATE SCHEMA ${s} AUTHORIZATION ${c.escapeIdentifier(role)}`);
    await c.query(
      `CREATE FUNCTION ${s}.always(oid, oid) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true'`,
    );
    await c.query(`CREATE OPERATOR ${s}.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = ${s}.always)`);
    await c.query(`ALTER ROLE ${c.escapeIdentifier(role)} SET search_path = ${s}, pg_catalog`);
  });
}

/** Generic HTTP provider settings whose calls all go to `origin`, authenticated by `header`. */
/**
 * Settings whose every call carrying {credential} puts it where the attacker reads it: in the body,
 * a header of its own, the URL path, or (at the echo endpoint) an answer whose token field is the
 * request's Authorization header.
 */
function credentialCarrying(where: 'body' | 'x-copy' | 'path' | 'token-field'): Record<string, unknown> {
  const origin = where === 'token-field' ? attackers.echo.origin : attackers.http.origin;
  const settings = localTokenServiceSettings(origin) as Record<string, Record<string, unknown>>;
  const issue = settings['issue'] ?? {};
  switch (where) {
    case 'body':
      return { ...settings, issue: { ...issue, body: { name: '{name}', note: '{credential}' } } };
    case 'x-copy':
      return { ...settings, issue: { ...issue, headers: { 'x-copy': '{credential}' } } };
    case 'path':
      return { ...settings, issue: { ...issue, url: `${origin}/v1/tokens/{credential}` } };
    case 'token-field':
      return { ...settings, issue: { ...issue, tokenPath: 'token', idPath: 'id' } };
    default: {
      const unreachable: never = where;
      throw new Error(`unknown placement ${String(unreachable)}`);
    }
  }
}

function settingsAt(origin: string, header: string, options: { singleLiveToken?: boolean } = {}) {
  const settings = localTokenServiceSettings(origin, options) as Record<string, Record<string, unknown>>;
  if (header === 'authorization') return settings;
  for (const call of ['issue', 'revoke', 'list'] as const) {
    settings[call] = { ...settings[call], headers: { [header]: '{credential}' } };
  }
  return settings;
}

function fill(value: unknown, slots: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{([^{}]+)\}$/.exec(value);
    if (whole?.[1] !== undefined) {
      if (!(whole[1] in slots)) throw new Error(`the corpus uses an unknown placeholder {${whole[1]}}`);
      return slots[whole[1]];
    }
    // Inside a longer string (`postgres\u0000user\u0000{own.username}`), only string slots fit.
    return value.replace(/\{([a-z][\w.:+-]*)\}/g, (match, name: string) => {
      const slot = slots[name];
      if (slot === undefined) throw new Error(`the corpus uses an unknown placeholder ${match}`);
      return String(slot);
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, slots));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, slots)]));
  return value;
}

/** Every attacked role's password, expiry and login, and every membership any of them has or grants. */
async function roleSnapshot(): Promise<string> {
  return pg.admin(async (c) =>
    JSON.stringify([
      (
        await c.query(
          "SELECT rolname, rolpassword, rolvaliduntil::text, rolcanlogin FROM pg_authid WHERE rolname LIKE 'sec\\_%' ORDER BY 1",
        )
      ).rows,
      (
        await c.query(
          `SELECT r.rolname AS role, m.rolname AS member, a.admin_option
             FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
            WHERE r.rolname LIKE 'sec\\_%' OR m.rolname LIKE 'sec\\_%' ORDER BY 1, 2, 3`,
        )
      ).rows,
    ]),
  );
}

function listenerActivity() {
  return {
    pgTls: attackers.pgTls.startups.length + attackers.pgTls.received().length,
    pgPlain: attackers.pgPlain.startups.length + attackers.pgPlain.received().length,
    http: attackers.http.requests.length,
    internal: attackers.internal.requests.length,
    echo: attackers.echo.requests.length,
  };
}

/** Every credential but the attacker's own (its own token or password may sit in its own secret). */
function othersCredentials(attack: AttackCase): Record<string, string> {
  return Object.fromEntries(
    Object.entries(credentials).filter(
      ([name]) =>
        !name.startsWith('own ') && !name.startsWith(`${attack.id} new`) && !name.startsWith('issued token'),
    ),
  );
}

let attackIndex = 0;

async function runAttack(attack: AttackCase) {
  attackIndex += 1;
  const { env, arns } = await stackFor(attack.profile);
  const { client } = env;
  const roles = await rolesFor(attackIndex);
  if (attack.setup === 'hostile-search-path') await hostileSearchPath(roles.lookalike.username);
  const listenerFor = attack.attacker?.startsWith('postgres-plaintext') ? attackers.pgPlain : attackers.pgTls;
  const slots: Record<string, unknown> = {
    ...arns,
    guess: GUESS,
    'db.host': 'localhost',
    'attacker.host': listenerFor.host,
    'attacker.port': listenerFor.port,
    'own.username': roles.own.username,
    'own.password': roles.own.password,
    'long.username': roles.long.username,
    'long.password': roles.long.password,
    'settings:attacker:body': credentialCarrying('body'),
    'settings:attacker:x-copy': credentialCarrying('x-copy'),
    'settings:attacker:path': credentialCarrying('path'),
    'settings:echo:token-field': credentialCarrying('token-field'),
    'victim.username': roles.victim.username,
    'privileged.username': roles.privileged.username,
    'privileged.password': roles.privileged.password,
    'files.username': roles.files.username,
    'files.password': roles.files.password,
    'lookalike.username': roles.lookalike.username,
    'lookalike.password': roles.lookalike.password,
    'master.rds.username': MASTERS.rds.username,
    'settings:attacker:authorization': settingsAt(attackers.http.origin, 'authorization'),
    'settings:redirector:x-api-key': settingsAt(redirector.origin, 'x-api-key'),
    'settings:tokens:authorization': settingsAt(tokens.url, 'authorization'),
    'settings:tokens-single-live:authorization': settingsAt(tokens.url, 'authorization', {
      singleLiveToken: true,
    }),
    'settings:tokens+issue-at-attacker:authorization': (() => {
      const settings = settingsAt(tokens.url, 'authorization');
      return { ...settings, issue: { ...settings['issue'], url: `${attackers.internal.origin}/v1/tokens` } };
    })(),
  };

  const name = `/services/security/${attack.id}`;
  const arn = (await client.send(new CreateSecretCommand({ Name: name }))).ARN ?? '';
  let value: Record<string, unknown>;
  if (attack.function === 'api-token') {
    // It may manage its own tokens, as a token rotated without an admin secret must.
    const own = tokens.state.issue(
      `${tokenNameFamily('rotation', arn)}initial`,
      ['read', 'tokens:write'],
      undefined,
      new Date(),
    );
    remember(`own token ${attackIndex}`, own.token);
    value = { provider: 'http', token: own.token, tokenId: own.id };
  } else {
    value = { engine: 'postgres', host: 'localhost', port: pg.port, dbname: 'postgres', ...roles.own };
  }
  value = { ...value, ...(fill(attack.secret, slots) as Record<string, unknown>) };
  auditSecrets(sensitiveStrings(JSON.stringify(value)));
  await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(value) }));

  const currentBefore = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  const rolesBefore = await roleSnapshot();
  const tokensBefore = tokens.state.all().map((t) => t.id);
  const activityBefore = listenerActivity();

  const started = await client.send(
    new RotateSecretCommand({
      SecretId: arn,
      RotationLambdaARN: FUNCTION_ARN(attack.function),
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  const outcome = await env.stack.runner
    .waitForRotation(arn, started.VersionId ?? '', 30_000)
    .then(() => 'rotated')
    .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));

  // Whatever the function made (a new password or token) is a credential too.
  for (const token of tokens.state.all()) remember(`issued token ${token.id}`, token.token);
  const pending = await client
    .send(new GetSecretValueCommand({ SecretId: arn, VersionId: started.VersionId ?? '' }))
    .catch(() => undefined);
  const pendingValue = JSON.parse(pending?.SecretString ?? '{}') as Record<string, unknown>;
  for (const key of ['password', 'token']) {
    const generated = pendingValue[key];
    if (typeof generated === 'string' && generated.length >= 8)
      remember(`${attack.id} new ${key}`, generated);
  }

  return {
    outcome,
    currentBefore,
    currentAfter: await client.send(new GetSecretValueCommand({ SecretId: arn })),
    rolesChanged: (await roleSnapshot()) !== rolesBefore,
    tokensChanged: JSON.stringify(tokens.state.all().map((t) => t.id)) !== JSON.stringify(tokensBefore),
    activityBefore,
    activityAfter: listenerActivity(),
    pendingValue,
    roles,
  };
}

describe('the attack corpus', () => {
  it('holds every attack the threat model names, and controls that rotate', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(corpus.filter((a) => 'outcome' in a.expect).length).toBeGreaterThanOrEqual(3);
    expect(new Set(corpus.map((a) => a.function))).toEqual(
      new Set(['postgres-single-user', 'postgres-alternating-users', 'api-token']),
    );
  });
});

describe.each(corpus.map((attack) => [attack.id, attack] as const))('%s', (_id, attack) => {
  it('error' in attack.expect
    ? `is refused with ${attack.expect.error}; no credential reaches the attacker; nothing changes`
    : 'rotates, and no credential reaches the attacker', async () => {
    const result = await runAttack(attack);

    // Nothing reached any listener standing in for the attacker, during this attack or before it.
    expect(result.activityAfter).toEqual(result.activityBefore);
    for (const listener of [attackers.pgTls, attackers.pgPlain]) {
      expect(credentialsReached(listener.received(), credentials)).toEqual([]);
    }
    for (const listener of [attackers.http, attackers.internal, attackers.echo]) {
      expect(credentialsReached(listener.received(), credentials)).toEqual([]);
    }

    if ('error' in attack.expect) {
      expect(result.outcome).toContain(`${attack.expect.error}:`);
      expect(result.currentAfter.VersionId).toBe(result.currentBefore.VersionId);
      expect(result.currentAfter.SecretString).toBe(result.currentBefore.SecretString);
      expect(result.rolesChanged).toBe(false);
      expect(result.tokensChanged).toBe(false);
      // Data from a service the function must not call never becomes a secret value, and neither does
      // a credential the function holds for someone else.
      expect(JSON.stringify(result.pendingValue)).not.toContain(INTERNAL_DATA);
      expect(credentialsReached(JSON.stringify(result.pendingValue), othersCredentials(attack))).toEqual([]);
      // Every login the attacker does not own still works with its own password.
      for (const login of [result.roles.victim, MASTERS.rds, MASTERS.self, MASTERS.foreign]) {
        expect(await pg.canLogin(login.username, login.password)).toBe(true);
      }
    } else {
      expect(result.outcome).toBe('rotated');
      expect(result.currentAfter.VersionId).not.toBe(result.currentBefore.VersionId);
    }
  }, 60_000);
});
