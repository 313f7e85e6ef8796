import type { TestPostgres } from '../../support/startTestPostgres.js';

/** One role as pg_authid stores it; `password` is the SCRAM verifier (compared, never printed). */
export interface RoleRow {
  /** super, inherit, createrole, createdb, canlogin, replication, bypassrls (`t` or `f`), connlimit. */
  readonly attributes: string;
  readonly password: string | null;
  readonly validUntil: string | null;
}

/** What a rotation could change in the database's own catalog, read as the superuser. */
export interface DatabaseSnapshot {
  readonly roles: ReadonlyMap<string, RoleRow>;
  /** pg_auth_members rows as `role <- member (grantor, options)`. */
  readonly memberships: ReadonlySet<string>;
  /** pg_db_role_setting rows as `role@database: settings`. */
  readonly roleSettings: ReadonlySet<string>;
  readonly databases: ReadonlySet<string>;
}

/** How a pg_auth_members row of `member` in `role` starts, whatever its grantor and options. */
export const membershipKey = (role: string, member: string): string =>
  `${JSON.stringify(role)} <- ${JSON.stringify(member)}`;

export async function databaseSnapshot(pg: TestPostgres): Promise<DatabaseSnapshot> {
  return pg.admin(async (c) => {
    const roles = await c.query<{
      rolname: string;
      attributes: string;
      rolpassword: string | null;
      valid_until: string | null;
    }>(
      `SELECT rolname,
              concat_ws(',', rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,
                        rolbypassrls, rolconnlimit) AS attributes,
              rolpassword, rolvaliduntil::text AS valid_until
         FROM pg_catalog.pg_authid`,
    );
    const memberships = await c.query<{ row: string; role: string; member: string }>(
      `SELECT r.rolname AS role, m.rolname AS member,
              format('grantor %s, admin %s, inherit %s, set %s', g.rolname, a.admin_option,
                     a.inherit_option, a.set_option) AS row
         FROM pg_catalog.pg_auth_members a
         JOIN pg_catalog.pg_authid r ON r.oid = a.roleid
         JOIN pg_catalog.pg_authid m ON m.oid = a.member
         JOIN pg_catalog.pg_authid g ON g.oid = a.grantor`,
    );
    const settings = await c.query<{ role: string | null; database: string | null; settings: string }>(
      `SELECT r.rolname AS role, d.datname AS database, s.setconfig::text AS settings
         FROM pg_catalog.pg_db_role_setting s
         LEFT JOIN pg_catalog.pg_authid r ON r.oid = s.setrole
         LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase`,
    );
    const databases = await c.query<{ row: string }>(
      `SELECT format('%s owned by %s, connect %s', d.datname, o.rolname, d.datallowconn) AS row
         FROM pg_catalog.pg_database d JOIN pg_catalog.pg_authid o ON o.oid = d.datdba`,
    );
    return {
      roles: new Map(
        roles.rows.map((r) => [
          r.rolname,
          { attributes: r.attributes, password: r.rolpassword, validUntil: r.valid_until },
        ]),
      ),
      memberships: new Set(memberships.rows.map((r) => `${membershipKey(r.role, r.member)} (${r.row})`)),
      roleSettings: new Set(
        settings.rows.map((r) => `${JSON.stringify(r.role ?? '*')}@${r.database ?? '*'}: ${r.settings}`),
      ),
      databases: new Set(databases.rows.map((r) => r.row)),
    };
  });
}
