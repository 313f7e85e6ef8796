import {
  CreateSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { LocalPostgres } from '../../../local/postgres/startLocalPostgres.js';
import { seedTokenSecret } from '../../../local/token-service/seedTokenSecret.js';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import { generatePassword } from '../../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../../shared/passwords/PasswordPolicy.js';
import { tokenNameFamily } from '../../../shared/targets/api-token/tokenNameFamily.js';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { FAULT_KINDS, FaultPlan } from '../../../testing/faults/FaultPlan.js';
import { type FaultProxy, startFaultProxy } from '../../../testing/faults/startFaultProxy.js';
import { auditSecrets } from '../../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../../testing/leaks/sensitiveStrings.js';
import { completedViolations, type FaultLane, type TrialSubject, versionViolations } from './FaultLane.js';

export interface LaneServices {
  readonly client: SecretsManagerClient;
  /** The local Secrets Manager the proxies forward to. */
  readonly secretsManagerUrl: string;
  readonly postgres: LocalPostgres;
  readonly tokens: TokenService;
}

const newPassword = () => generatePassword(loadPasswordPolicy({}));

async function current(client: SecretsManagerClient, arn: string, stage = 'AWSCURRENT') {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
  return {
    versionId: out.VersionId ?? '',
    value: JSON.parse(out.SecretString ?? '{}') as Record<string, string>,
  };
}

async function createSecret(client: SecretsManagerClient, name: string, value?: object) {
  const out = await client.send(
    new CreateSecretCommand({
      Name: name,
      ...(value === undefined ? {} : { SecretString: JSON.stringify(value) }),
    }),
  );
  return { arn: out.ARN ?? '', versionId: out.VersionId ?? '' };
}

/**
 * Every value a function sends with PutSecretValue joins the leak check as it is sent, including
 * values that a fault kept from ever being stored.
 */
function auditPutSecretValue(label: string, bytes: Buffer): void {
  if (label !== 'secretsmanager PutSecretValue') return;
  const body = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4).toString('utf8');
  let secretString: string | undefined;
  try {
    secretString = (JSON.parse(body) as { SecretString?: string }).SecretString;
  } catch {
    // Not the SDK's JSON: the endpoint refuses it, and it holds no value to look for.
    return;
  }
  if (secretString !== undefined) auditSecrets(sensitiveStrings(secretString));
}

async function secretsManagerProxy(services: LaneServices, plan: FaultPlan): Promise<FaultProxy> {
  const url = new URL(services.secretsManagerUrl);
  return startFaultProxy({
    protocol: 'http',
    service: 'secretsmanager',
    upstream: { host: url.hostname, port: Number(url.port) },
    plan,
    observe: auditPutSecretValue,
  });
}

function postgresProxy(services: LaneServices, plan: FaultPlan): Promise<FaultProxy> {
  return startFaultProxy({
    protocol: 'postgres',
    service: 'postgres',
    upstream: { host: services.postgres.host, port: services.postgres.port },
    plan,
    tls: { ...services.postgres.serverCertificate(), caPem: services.postgres.caPem },
  });
}

interface LaneParts {
  readonly functionName: string;
  readonly plan: FaultPlan;
  readonly proxies: FaultProxy[];
  subject(name: string): Promise<TrialSubject>;
}

function lane(parts: LaneParts): FaultLane & { readonly secretsManagerProxy: FaultProxy } {
  const [sm] = parts.proxies;
  if (sm === undefined) throw new Error('a lane needs its Secrets Manager proxy first');
  return {
    functionName: parts.functionName,
    plan: parts.plan,
    kinds: FAULT_KINDS,
    secretsManagerProxy: sm,
    subject: parts.subject,
    async close() {
      await Promise.all(parts.proxies.map((p) => p.close()));
    },
  };
}

/** random-value: a JSON secret whose `password` is replaced; Secrets Manager calls only. */
export async function randomValueLane(services: LaneServices) {
  const plan = new FaultPlan();
  const { client } = services;
  return lane({
    functionName: 'random-value',
    plan,
    proxies: [await secretsManagerProxy(services, plan)],
    async subject(name) {
      const created = await createSecret(client, name, { owner: 'reliability', password: newPassword() });
      const original = await current(client, created.arn);
      return {
        arn: created.arn,
        originalVersion: created.versionId,
        during: (rotation) => versionViolations(client, created.arn, created.versionId, rotation),
        async after(versionId) {
          const violations = await completedViolations(client, created.arn, created.versionId, versionId);
          const now = await current(client, created.arn);
          if (now.value['password'] === original.value['password'])
            violations.push('the value did not change');
          if (now.value['owner'] !== 'reliability') violations.push('other keys were not kept');
          return violations;
        },
      };
    },
  });
}

/** api-token: the local token service behind a proxy; the secret's own token issues the next one. */
export async function apiTokenLane(services: LaneServices) {
  const plan = new FaultPlan();
  const { client, tokens } = services;
  const url = new URL(tokens.url);
  const provider = await startFaultProxy({
    protocol: 'http',
    service: 'provider',
    upstream: { host: url.hostname, port: Number(url.port) },
    plan,
  });
  const works = async (token: string | undefined) =>
    token !== undefined && tokens.state.byValue(token, new Date()) !== undefined;
  return lane({
    functionName: 'api-token',
    plan,
    proxies: [await secretsManagerProxy(services, plan), provider],
    async subject(name) {
      const { arn } = await createSecret(client, name);
      const family = tokenNameFamily('rotation', arn);
      const { versionId: originalVersion } = await seedTokenSecret(client, tokens, arn, {
        serviceUrl: provider.url,
      });
      return {
        arn,
        originalVersion,
        async during(rotation) {
          const violations = await versionViolations(client, arn, originalVersion, rotation);
          if (!(await works((await current(client, arn)).value['token'])))
            violations.push('the AWSCURRENT token is rejected');
          return violations;
        },
        async after(versionId) {
          const violations = await completedViolations(client, arn, originalVersion, versionId);
          const now = await current(client, arn);
          const previous = await current(client, arn, 'AWSPREVIOUS');
          if (!(await works(now.value['token']))) violations.push('the AWSCURRENT token is rejected');
          if (!(await works(previous.value['token']))) violations.push('the AWSPREVIOUS token is rejected');
          const kept = new Set([now.value['tokenId'], previous.value['tokenId']]);
          const orphans = tokens.state.all().filter((t) => t.name.startsWith(family) && !kept.has(t.id));
          if (orphans.length > 0) violations.push(`${orphans.length} orphaned provider token(s)`);
          return violations;
        },
      };
    },
  });
}

async function createRole(postgres: LocalPostgres, role: string, password: string, attributes = '') {
  const verifier = await scramVerifier(password);
  await postgres.admin((c) =>
    c.query(
      `CREATE ROLE ${c.escapeIdentifier(role)} WITH LOGIN ${attributes} PASSWORD ${c.escapeLiteral(verifier)}`,
    ),
  );
}

async function rolesLike(postgres: LocalPostgres, role: string): Promise<string[]> {
  return postgres.admin(async (c) =>
    (
      await c.query<{ rolname: string }>(
        "SELECT rolname FROM pg_roles WHERE rolname = $1 OR rolname LIKE $1 || '\\_%' ORDER BY rolname",
        [role],
      )
    ).rows.map((r) => r.rolname),
  );
}

/** Postgres, single user or alternating users, through a TLS-terminating proxy in front of the server. */
export async function postgresLane(services: LaneServices, strategy: 'single-user' | 'alternating-users') {
  const plan = new FaultPlan();
  const { client, postgres } = services;
  const pgProxy = await postgresProxy(services, plan);
  const base = { engine: 'postgres', host: '127.0.0.1', port: String(pgProxy.port), dbname: 'postgres' };
  /** Only a rejected password (28P01) is false; a connection that fails otherwise throws. */
  const canLogin = (value: Record<string, string>) =>
    postgres.canLogin(value['username'] ?? '', value['password'] ?? '');
  const alternating = strategy === 'alternating-users';
  let masterArn: string | undefined;
  // Not rel_…: the orphan check looks for roles named after a trial's role.
  const masterRole = `relmaster_${strategy.replace('-users', '').replace('-user', '')}`;
  return lane({
    functionName: `postgres-${strategy}`,
    plan,
    proxies: [await secretsManagerProxy(services, plan), pgProxy],
    async subject(name) {
      const trial = (name.split('/').pop() ?? name).replace(/[^a-z0-9]+/gi, '_').toLowerCase();
      const role = `rel_${alternating ? 'a' : 's'}_${trial}`;
      if (alternating && masterArn === undefined) {
        const master = { ...base, username: masterRole, password: newPassword() };
        await createRole(postgres, master.username, master.password, 'CREATEROLE');
        masterArn = (await createSecret(client, `${name}-master`, master)).arn;
      }
      const login = { username: role, password: newPassword() };
      await createRole(postgres, role, login.password);
      if (alternating)
        await postgres.admin((c) =>
          c.query(
            `GRANT ${c.escapeIdentifier(role)} TO ${c.escapeIdentifier(masterRole)} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
          ),
        );
      const created = await createSecret(client, name, {
        ...base,
        ...login,
        ...(masterArn === undefined ? {} : { masterarn: masterArn }),
      });
      const expectedRoles = alternating ? [role, `${role}_clone`] : [role];
      return {
        arn: created.arn,
        originalVersion: created.versionId,
        async during(rotation) {
          const violations = await versionViolations(client, created.arn, created.versionId, rotation);
          // A single user's AWSCURRENT may be stale between setSecret and finishSecret (the password
          // changed before the label moved); alternating users always keep a working AWSCURRENT.
          if (alternating && !(await canLogin((await current(client, created.arn)).value)))
            violations.push('the AWSCURRENT login is rejected');
          return violations;
        },
        async after(versionId) {
          const violations = await completedViolations(client, created.arn, created.versionId, versionId);
          if (!(await canLogin((await current(client, created.arn)).value)))
            violations.push('the AWSCURRENT login is rejected');
          if (alternating && !(await canLogin((await current(client, created.arn, 'AWSPREVIOUS')).value)))
            violations.push('the AWSPREVIOUS login is rejected');
          const roles = await rolesLike(postgres, role);
          const unexpected = roles.filter((r) => !expectedRoles.includes(r));
          if (unexpected.length > 0) violations.push(`${unexpected.length} orphaned database role(s)`);
          return violations;
        },
      };
    },
  });
}
