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
import { type HttpAttacker, redirectTo, startHttpAttacker } from './support/startHttpAttacker.js';
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
};
/** An allowed origin that redirects every call to the HTTP attacker. */
let redirector: HttpAttacker;

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
  attackers = {
    pgTls: await startPostgresAttacker({ tls: pg.serverCertificate(), auth: 'cleartext' }),
    pgPlain: await startPostgresAttacker({ auth: 'cleartext' }),
    http,
    internal: await startHttpAttacker({
      respond: () => ({ status: 201, body: { token: INTERNAL_DATA, id: 'internal-1' } }),
    }),
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
  const base = {
    PG_CA_FILE: pg.caFile,
    AWS_ENDPOINT_URL_RDS: rds.url,
    TOKEN_PROVIDER_ALLOWED_ORIGINS: origins,
    TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'true',
    TOKEN_PROVIDER: '',
    TOKEN_PROVIDER_SETTINGS: '',
    ALLOWED_MASTER_SECRET_ARNS: '',
    ALLOWED_ADMIN_SECRET_ARNS: '',
  };
  switch (profile) {
    case 'default':
      return base;
    case 'bound':
      return {
        ...base,
        ALLOWED_MASTER_SECRET_ARNS: [arns['master.rds'], arns['master.self']].join(','),
        ALLOWED_ADMIN_SECRET_ARNS: arns['admin.arn'] ?? '',
      };
    case 'no-origins':
      return { ...base, TOKEN_PROVIDER_ALLOWED_ORIGINS: '' };
    case 'strict-http':
      return {
        ...base,
        TOKEN_PROVIDER_ALLOWED_ORIGINS: 'http://127.0.0.1:*',
        TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'false',
      };
    case 'function-settings':
      return {
        ...base,
        TOKEN_PROVIDER: 'http',
        TOKEN_PROVIDER_SETTINGS: JSON.stringify(localTokenServiceSettings(tokens.url)),
      };
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
  await pg.admin(async (c) => {
    await c.query(`GRANT pg_execute_server_program TO ${c.escapeIdentifier(files.username)}`);
    for (const master of Object.values(MASTERS)) {
      for (const role of [own, victim, privileged, files, lookalike]) {
        await c.query(
          `GRANT ${c.escapeIdentifier(role.username)} TO ${c.escapeIdentifier(master.username)} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
        );
      }
    }
  });
  return { own, victim, privileged, files, lookalike };
}

/** Generic HTTP provider settings whose calls all go to `origin`, authenticated by `header`. */
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
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, slots));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, slots)]));
  return value;
}

async function roleSnapshot(): Promise<string> {
  return pg.admin(async (c) =>
    JSON.stringify(
      (
        await c.query(
          "SELECT rolname, rolpassword, rolvaliduntil::text, rolcanlogin FROM pg_authid WHERE rolname LIKE 'sec\\_%' ORDER BY 1",
        )
      ).rows,
    ),
  );
}

function listenerActivity() {
  return {
    pgTls: attackers.pgTls.startups.length + attackers.pgTls.received().length,
    pgPlain: attackers.pgPlain.startups.length + attackers.pgPlain.received().length,
    http: attackers.http.requests.length,
    internal: attackers.internal.requests.length,
  };
}

let attackIndex = 0;

async function runAttack(attack: AttackCase) {
  attackIndex += 1;
  const { env, arns } = await stackFor(attack.profile);
  const { client } = env;
  const roles = await rolesFor(attackIndex);
  const listenerFor = attack.attacker?.startsWith('postgres-plaintext') ? attackers.pgPlain : attackers.pgTls;
  const slots: Record<string, unknown> = {
    ...arns,
    guess: GUESS,
    'db.host': 'localhost',
    'attacker.host': listenerFor.host,
    'attacker.port': listenerFor.port,
    'own.username': roles.own.username,
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
    const own = tokens.state.issue(
      `${tokenNameFamily('rotation', arn)}initial`,
      ['read'],
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
    for (const listener of [attackers.http, attackers.internal]) {
      expect(credentialsReached(listener.received(), credentials)).toEqual([]);
    }

    if ('error' in attack.expect) {
      expect(result.outcome).toContain(`${attack.expect.error}:`);
      expect(result.currentAfter.VersionId).toBe(result.currentBefore.VersionId);
      expect(result.currentAfter.SecretString).toBe(result.currentBefore.SecretString);
      expect(result.rolesChanged).toBe(false);
      expect(result.tokensChanged).toBe(false);
      // Data from a service the function must not call never becomes a secret value.
      expect(JSON.stringify(result.pendingValue)).not.toContain(INTERNAL_DATA);
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
