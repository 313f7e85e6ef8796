import { PrivilegedRoleError } from './errors.js';
import type { PostgresSession } from './PostgresSession.js';

/**
 * What a role looks like from pg_roles; readable by any login. Only a master session's answer may
 * decide what the master does: elsewhere the login's owner shapes the session, so the statement names
 * every operator by schema and the answer only ever reports.
 */
export interface RoleState {
  readonly name: string;
  readonly canLogin: boolean;
  /** Roles it is a direct member of. */
  readonly memberOf: readonly string[];
  /** Its per-role settings, e.g. `role=app`. */
  readonly config: readonly string[];
}

export async function roleState(session: PostgresSession, name: string): Promise<RoleState | undefined> {
  const rows = await session.query<{
    rolcanlogin: boolean;
    member_of: string[] | null;
    rolconfig: string[] | null;
  }>(
    'read the role',
    `SELECT r.rolcanlogin,
            ARRAY(SELECT b.rolname::pg_catalog.text FROM pg_catalog.pg_auth_members m
                  JOIN pg_catalog.pg_roles b ON b.oid OPERATOR(pg_catalog.=) m.roleid
                  WHERE m.member OPERATOR(pg_catalog.=) r.oid ORDER BY 1) AS member_of,
            r.rolconfig
       FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) $1::pg_catalog.name`,
    [name],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { name, canLogin: row.rolcanlogin, memberOf: row.member_of ?? [], config: row.rolconfig ?? [] };
}

/**
 * Sets a role's password from a SCRAM verifier (never the plaintext). An administrator also lifts
 * any expiry in the same statement, so a retry can never leave one without the other; a user
 * changing its own password may change nothing else.
 */
export async function setRolePassword(
  session: PostgresSession,
  role: string,
  verifier: string,
  as: 'self' | 'admin',
): Promise<void> {
  // An administrator also restores LOGIN, so a role created NOLOGIN joins the alternation.
  const login = as === 'admin' ? 'LOGIN ' : '';
  const validity = as === 'admin' ? " VALID UNTIL 'infinity'" : '';
  await session.query(
    'set the password',
    `ALTER ROLE ${session.identifier(role)} WITH ${login}PASSWORD ${session.literal(verifier)}${validity}`,
  );
}

/**
 * Everything setSecret changes for an alternating pair, sent as one batch: one round trip, and one
 * transaction, so a failure part-way leaves nothing half done. `role`, the pending login, gets the
 * password, LOGIN and no expiry; the clone (created when it is the one being set and does not exist
 * yet) is made to act as the original where it does not already (`clone`: its state as the master's
 * session read it, if it exists). Every statement is idempotent, so a retry repeats it safely.
 */
export async function setPartnerPassword(
  session: PostgresSession,
  pair: { original: string; clone: string; cloneState: RoleState | undefined },
  role: string,
  verifier: string,
): Promise<void> {
  const { original, clone, cloneState } = pair;
  const statements: string[] = [];
  if (role === clone && cloneState === undefined) {
    statements.push(
      `CREATE ROLE ${session.identifier(clone)} WITH LOGIN PASSWORD ${session.literal(verifier)}`,
    );
  }
  if (role === clone || cloneState !== undefined) {
    const drift = cloneState === undefined ? undefined : cloneDrift(original, cloneState);
    // Every session of the clone runs as the original, so what it creates is owned by the original.
    if (drift === undefined || drift.missing.length > 0) {
      statements.push(
        `ALTER ROLE ${session.identifier(clone)} SET role TO ${session.literal(original)}`,
        `GRANT ${session.identifier(original)} TO ${session.identifier(clone)}`,
      );
    }
  }
  statements.push(
    `ALTER ROLE ${session.identifier(role)} WITH LOGIN PASSWORD ${session.literal(verifier)} VALID UNTIL 'infinity'`,
  );
  await session.query('set the password', statements.join(';\n'));
}

/** A bounded overlap: the login stops working at `until` (its password stays). */
export async function expireLogin(session: PostgresSession, role: string, until: Date): Promise<void> {
  await session.query(
    'set the login expiry',
    `ALTER ROLE ${session.identifier(role)} VALID UNTIL ${session.literal(until.toISOString())}`,
  );
}

export interface CloneDrift {
  /** What the clone lacks to act as the original; repaired by the next setSecret. */
  readonly missing: readonly string[];
  /** Memberships the clone has beyond the original: reported, never revoked automatically. */
  readonly extra: readonly string[];
}

export function cloneDrift(original: string, clone: RoleState): CloneDrift {
  const missing: string[] = [];
  if (!clone.memberOf.includes(original)) missing.push(`membership in ${original}`);
  if (!clone.config.includes(`role=${original}`)) missing.push(`SET role TO ${original}`);
  return { missing, extra: clone.memberOf.filter((role) => role !== original) };
}

/** Roles whose members reach the server's files or programs, or administer an RDS database. */
const FORBIDDEN_MEMBERSHIPS = [
  'rds_superuser',
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
] as const;

/** What a master session sees of the roles it may change: their state, and why each is refused if it is. */
export interface RoleInspection {
  /** The roles that exist. */
  readonly states: ReadonlyMap<string, RoleState>;
  /** Why the master must not change a role (see `refusePrivileged`); absent when it may. */
  readonly refusals: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads, in one round trip of a master session, the state of `roles` and what makes one off limits:
 * the master's own user (or a member of it), a superuser, CREATEROLE, BYPASSRLS or REPLICATION, or a
 * direct or indirect member of a role in FORBIDDEN_MEMBERSHIPS. Roles that do not exist are absent
 * (the clone is created by this function).
 */
export async function inspectRoles(
  session: PostgresSession,
  masterUsername: string,
  roles: readonly string[],
): Promise<RoleInspection> {
  const rows = await session.query<{
    rolname: string;
    rolcanlogin: boolean;
    rolconfig: string[] | null;
    direct_member_of: string[] | null;
    rolsuper: boolean;
    rolcreaterole: boolean;
    rolbypassrls: boolean;
    rolreplication: boolean;
    is_master: boolean;
    forbidden_member_of: string[] | null;
  }>(
    'check the roles the master would change',
    // pg_roles is read once: names come from pg_get_userbyid and the forbidden roles from to_regrole
    // (NULL, so no match, where the server has no such role), which keeps a new session's catalog
    // warm-up, most of this statement's cost, small.
    `SELECT r.rolname::text AS rolname, r.rolcanlogin, r.rolconfig,
            ARRAY(SELECT pg_catalog.pg_get_userbyid(m.roleid)::text FROM pg_catalog.pg_auth_members m
                  WHERE m.member = r.oid) AS direct_member_of,
            r.rolsuper, r.rolcreaterole, r.rolbypassrls, r.rolreplication,
            (r.rolname = session_user OR r.rolname = $2
             OR pg_catalog.pg_has_role(r.oid, session_user, 'MEMBER')) AS is_master,
            ARRAY(SELECT f FROM pg_catalog.unnest($3::text[]) f
                  WHERE pg_catalog.to_regrole(f) <> r.oid
                    AND pg_catalog.pg_has_role(r.oid, pg_catalog.to_regrole(f), 'MEMBER')) AS forbidden_member_of
       FROM pg_catalog.pg_roles r WHERE r.rolname = ANY($1::text[])`,
    [[...roles], masterUsername, [...FORBIDDEN_MEMBERSHIPS]],
  );
  const states = new Map<string, RoleState>();
  const refusals = new Map<string, readonly string[]>();
  for (const row of rows) {
    states.set(row.rolname, {
      name: row.rolname,
      canLogin: row.rolcanlogin,
      memberOf: [...(row.direct_member_of ?? [])].sort(),
      config: row.rolconfig ?? [],
    });
    const reasons: string[] = [];
    if (row.is_master) reasons.push("it is the master secret's own user or a member of it");
    if (row.rolsuper) reasons.push('it is a superuser');
    if (row.rolcreaterole) reasons.push('it has CREATEROLE');
    if (row.rolbypassrls) reasons.push('it has BYPASSRLS');
    if (row.rolreplication) reasons.push('it has REPLICATION');
    // Only the forbidden roles are asked about, so the cost does not grow with the database's roles.
    const forbidden = [...(row.forbidden_member_of ?? [])].sort();
    if (forbidden.length > 0) reasons.push(`it is a member of ${forbidden.join(', ')}`);
    if (reasons.length > 0) refusals.set(row.rolname, reasons);
  }
  return { states, refusals };
}

/** Refuses, before anything changes, to let a master reset or extend a role `inspectRoles` found off limits. */
export function refusePrivileged(inspection: RoleInspection, roles: readonly string[]): void {
  for (const role of roles) {
    const reasons = inspection.refusals.get(role);
    if (reasons !== undefined) throw new PrivilegedRoleError(role, reasons);
  }
}

/** `inspectRoles` and `refusePrivileged` in one, for a master that only needs the refusal. */
export async function guardRoles(
  session: PostgresSession,
  masterUsername: string,
  roles: readonly string[],
): Promise<void> {
  refusePrivileged(await inspectRoles(session, masterUsername, roles), roles);
}
