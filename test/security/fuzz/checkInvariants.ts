import { PROJECT_ERROR_CLASSES } from '../../../shared/metrics/errorClassOf.js';
import { credentialsReached } from '../support/credentialsReached.js';
import { type DatabaseSnapshot, membershipKey } from './databaseSnapshot.js';
import type { FuzzCaseResult } from './runFuzzCase.js';
import type { FuzzEnvironment, FuzzLogin } from './startFuzzEnvironment.js';

const NAMED_ERRORS: ReadonlySet<string> = new Set(PROJECT_ERROR_CLASSES);
/** Failure texts can be long (a stack); the start says which error it is. */
const shown = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

function parsed(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function logsIn(env: FuzzEnvironment, login: FuzzLogin): Promise<string | undefined> {
  try {
    return (await env.pg.canLogin(login.username, login.password)) ? undefined : 'its password is refused';
  } catch (error) {
    return `the login fails: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Where `RoleRow.attributes` holds super, createrole, createdb, replication and bypassrls. */
const PRIVILEGED_ATTRIBUTE = [0, 2, 3, 5, 6];

function databaseChanges(env: FuzzEnvironment, before: DatabaseSnapshot, after: DatabaseSnapshot): string[] {
  const problems: string[] = [];
  const own = env.own.username;
  const clone = env.clone;
  const cloneIsNew = !before.roles.has(clone) && after.roles.has(clone);
  for (const name of new Set([...before.roles.keys(), ...after.roles.keys()])) {
    const was = before.roles.get(name);
    const is = after.roles.get(name);
    const role = JSON.stringify(name);
    if (was === undefined && is !== undefined) {
      if (name !== clone) problems.push(`role ${role} was created`);
      else if (PRIVILEGED_ATTRIBUTE.some((at) => is.attributes.split(',')[at] === 't'))
        problems.push(`role ${role} was created with privileged attributes (${is.attributes})`);
      continue;
    }
    if (was === undefined) continue;
    if (is === undefined) {
      problems.push(`role ${role} was dropped`);
      continue;
    }
    if (is.attributes !== was.attributes)
      problems.push(`role ${role} attributes changed from ${was.attributes} to ${is.attributes}`);
    if (name === own || name === clone) continue;
    if (is.password !== was.password) problems.push(`role ${role} has a new rolpassword`);
    if (is.validUntil !== was.validUntil)
      problems.push(`role ${role} rolvaliduntil changed from ${was.validUntil} to ${is.validUntil}`);
  }

  // The clone joins the original; and Postgres 16+ makes a CREATEROLE role that creates a role an
  // administrator of it (WITH ADMIN OPTION, granted by the bootstrap superuser) in the same statement.
  const cloneInOwn = membershipKey(own, clone);
  const masterAdministersNewClone = membershipKey(clone, env.master.username);
  for (const row of after.memberships) {
    if (before.memberships.has(row) || row.startsWith(`${cloneInOwn} `)) continue;
    if (cloneIsNew && row.startsWith(`${masterAdministersNewClone} `)) continue;
    problems.push(`pg_auth_members gained ${row}`);
  }
  for (const row of before.memberships) {
    if (!after.memberships.has(row) && !row.startsWith(`${cloneInOwn} `))
      problems.push(`pg_auth_members lost ${row}`);
  }

  const cloneSettings = `${JSON.stringify(clone)}@`;
  for (const [from, to, change] of [
    [before.roleSettings, after.roleSettings, 'gained'],
    [after.roleSettings, before.roleSettings, 'lost'],
  ] as const) {
    for (const row of to)
      if (!from.has(row) && !row.startsWith(cloneSettings))
        problems.push(`pg_db_role_setting ${change} ${row}`);
  }
  for (const [from, to, change] of [
    [before.databases, after.databases, 'appeared'],
    [after.databases, before.databases, 'disappeared'],
  ] as const) {
    for (const row of to) if (!from.has(row)) problems.push(`database ${change}: ${row}`);
  }
  return problems;
}

/**
 * Every invariant of one fuzzed rotation, as the list of what broke (empty when all hold). Messages
 * name roles, keys and error classes, never a credential: they end up in the test output.
 */
export async function checkInvariants(env: FuzzEnvironment, result: FuzzCaseResult): Promise<string[]> {
  const problems: string[] = [];
  const { outcome } = result;

  // 1. A completed rotation, or a refusal the project names.
  if (!outcome.rotated && (outcome.errorName === undefined || !NAMED_ERRORS.has(outcome.errorName))) {
    problems.push(
      `the rotation failed with ${outcome.errorName ?? 'no error name'}, not one of PROJECT_ERROR_CLASSES` +
        `${outcome.step === undefined ? '' : ` (at ${outcome.step})`}: ${shown(outcome.message)}`,
    );
  }

  // 2. A completed rotation stored a login or token of the attacker's own, and it works.
  if (outcome.rotated) {
    const value = parsed(result.currentAfter.value);
    if (result.currentAfter.versionId === result.currentBefore.versionId)
      problems.push('the rotation completed but AWSCURRENT is the same version');
    if (result.fn === 'api-token') {
      const token = value['token'];
      const issued = typeof token === 'string' ? env.tokens.state.byValue(token, new Date()) : undefined;
      if (issued === undefined)
        problems.push('the new AWSCURRENT token is not a live token of the token service');
      else if (!issued.name.startsWith(result.family))
        problems.push(
          `the new AWSCURRENT token was issued to ${JSON.stringify(issued.name)}, not to this secret`,
        );
    } else {
      const allowed =
        result.fn === 'postgres-single-user' ? [env.own.username] : [env.own.username, env.clone];
      const { username, password } = value;
      if (typeof username !== 'string' || !allowed.includes(username)) {
        problems.push(
          `the new AWSCURRENT username is ${JSON.stringify(username)}, not ${allowed.join(' or ')}`,
        );
      } else if (typeof password !== 'string') {
        problems.push('the new AWSCURRENT has no string password');
      } else {
        const refused = await logsIn(env, { username, password });
        if (refused !== undefined) problems.push(`the new AWSCURRENT login as ${username}: ${refused}`);
      }
    }
  } else if (
    // 5. A refused rotation leaves AWSCURRENT as it was.
    result.currentAfter.versionId !== result.currentBefore.versionId ||
    result.currentAfter.value !== result.currentBefore.value
  ) {
    problems.push('the rotation failed but AWSCURRENT changed');
  }

  // 3. No one else's role, membership, setting or database changed, and every other login works.
  problems.push(...databaseChanges(env, result.databaseBefore, result.databaseAfter));
  for (const login of [env.master, ...env.victims]) {
    const refused = await logsIn(env, login);
    if (refused !== undefined) problems.push(`login ${JSON.stringify(login.username)}: ${refused}`);
  }
  const live = new Set(result.tokensAfter.map((t) => t.id));
  for (const token of env.victimTokens)
    if (!live.has(token.id)) problems.push(`another secret's token ${token.id} was revoked`);
  for (const token of result.tokensBefore) {
    if (!live.has(token.id) && !token.name.startsWith(result.family))
      problems.push(`token ${token.id} of another family (${JSON.stringify(token.name)}) was revoked`);
  }

  // 4. Not a byte of any credential at the attacker, nor in any version of the attacker's secret
  // (the admin token above all; no generator ever puts a credential there itself).
  const reached = credentialsReached(result.attackerReceived, env.credentials);
  if (reached.length > 0) problems.push(`the attacker listener received: ${reached.join(', ')}`);
  const stored = credentialsReached(result.storedValues.join('\n'), env.credentials);
  if (stored.length > 0) problems.push(`a stored version of the fuzzed secret holds: ${stored.join(', ')}`);

  return problems;
}
