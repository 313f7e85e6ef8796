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

/** Creates the clone as a login that acts as the original: member of it, and `SET ROLE` to it at login. */
export async function ensureClone(
  session: PostgresSession,
  original: string,
  clone: string,
  verifier: string,
): Promise<void> {
  if ((await roleState(session, clone)) === undefined) {
    await session.query(
      'create the clone role',
      `CREATE ROLE ${session.identifier(clone)} WITH LOGIN PASSWORD ${session.literal(verifier)}`,
    );
  }
  await repairClone(session, original, clone);
}

/** Re-grants what makes the clone act as the original; both statements are idempotent. */
export async function repairClone(session: PostgresSession, original: string, clone: string): Promise<void> {
  await session.query(
    'grant the original role to the clone',
    `GRANT ${session.identifier(original)} TO ${session.identifier(clone)}`,
  );
  // Every session of the clone runs as the original, so what it creates is owned by the original.
  await session.query(
    'make the clone act as the original',
    `ALTER ROLE ${session.identifier(clone)} SET role TO ${session.literal(original)}`,
  );
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

/**
 * Refuses, before anything changes, to let a master reset or extend a role that holds more than an
 * application login should: the master's own user (or a member of it), a superuser, CREATEROLE,
 * BYPASSRLS or REPLICATION, or a direct or indirect member of a role in FORBIDDEN_MEMBERSHIPS.
 * Roles that do not exist yet pass (the clone is created by this function).
 */
export async function guardRoles(
  session: PostgresSession,
  masterUsername: string,
  roles: readonly string[],
): Promise<void> {
  const rows = await session.query<{
    rolname: string;
    rolsuper: boolean;
    rolcreaterole: boolean;
    rolbypassrls: boolean;
    rolreplication: boolean;
    is_master: boolean;
    member_of: string[] | null;
  }>(
    'check the roles the master would change',
    `SELECT r.rolname::text AS rolname, r.rolsuper, r.rolcreaterole, r.rolbypassrls, r.rolreplication,
            (r.rolname = session_user OR r.rolname = $2
             OR pg_catalog.pg_has_role(r.oid, session_user, 'MEMBER')) AS is_master,
            ARRAY(SELECT b.rolname::text FROM pg_catalog.pg_roles b
                  WHERE b.oid <> r.oid AND pg_catalog.pg_has_role(r.oid, b.oid, 'MEMBER')
                  ORDER BY 1) AS member_of
       FROM pg_catalog.pg_roles r WHERE r.rolname = ANY($1::text[])`,
    [[...roles], masterUsername],
  );
  for (const row of rows) {
    const reasons: string[] = [];
    if (row.is_master) reasons.push("it is the master secret's own user or a member of it");
    if (row.rolsuper) reasons.push('it is a superuser');
    if (row.rolcreaterole) reasons.push('it has CREATEROLE');
    if (row.rolbypassrls) reasons.push('it has BYPASSRLS');
    if (row.rolreplication) reasons.push('it has REPLICATION');
    const forbidden = (row.member_of ?? []).filter((name) =>
      (FORBIDDEN_MEMBERSHIPS as readonly string[]).includes(name),
    );
    if (forbidden.length > 0) reasons.push(`it is a member of ${forbidden.join(', ')}`);
    if (reasons.length > 0) throw new PrivilegedRoleError(row.rolname, reasons);
  }
}
