import type { Logger } from '@aws-lambda-powertools/logger';
import { generatePassword } from '../../passwords/generatePassword.js';
import type { PasswordPolicy } from '../../passwords/PasswordPolicy.js';
import type { SecretStore } from '../../secrets/SecretStore.js';
import { parseSecretJson, requireStringKey } from '../../secrets/secretJson.js';
import { withSession } from './connectPostgres.js';
import {
  HostMismatchError,
  MasterSecretError,
  PostgresCheckFailedError,
  PostgresLoginRejectedError,
} from './errors.js';
import type { PostgresConfig } from './PostgresConfig.js';
import type { PostgresSecret } from './PostgresSecret.js';
import type { PostgresConnector, PostgresLogin, PostgresSession } from './PostgresSession.js';
import type { TopologyCheck } from './rdsTopology.js';
import { scramVerifier } from './scramVerifier.js';

export interface PostgresTargetDependencies {
  readonly config: PostgresConfig;
  /** Reads master secrets. */
  readonly store: SecretStore;
  readonly connect: PostgresConnector;
  readonly topology: TopologyCheck;
  /** Secrets Manager's GetRandomPassword, used when PASSWORD_SOURCE=secretsmanager. */
  readonly randomPassword?: (policy: PasswordPolicy) => Promise<string>;
}

/** What both Postgres strategies do the same way: logins, master secrets, passwords, the check. */
export class PostgresAccess {
  constructor(readonly deps: PostgresTargetDependencies) {}

  login(secret: PostgresSecret, which: string, logger: Logger): PostgresLogin {
    const sslMode = secret.sslMode ?? this.deps.config.sslMode;
    if (sslMode === 'disable') {
      logger.warn('TLS is disabled for this database by configuration: the connection is not encrypted', {
        host: secret.host,
        which,
      });
    }
    return {
      host: secret.host,
      port: secret.port,
      dbname: secret.dbname,
      username: secret.username,
      password: secret.password,
      sslMode,
      which,
    };
  }

  /**
   * Runs `work` logged in as `login`, or returns `{ ok: false }` when the server rejects the
   * password (any other failure is thrown).
   */
  async tryAs<T>(
    login: PostgresLogin,
    work: (session: PostgresSession) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    try {
      return { ok: true, value: await withSession(this.deps.connect, login, work) };
    } catch (error) {
      if (error instanceof PostgresLoginRejectedError && error.username === login.username)
        return { ok: false };
      throw error;
    }
  }

  run<T>(login: PostgresLogin, work: (session: PostgresSession) => Promise<T>): Promise<T> {
    return withSession(this.deps.connect, login, work);
  }

  async newPassword(): Promise<string> {
    const { passwordSource, passwordPolicy } = this.deps.config;
    if (passwordSource === 'secretsmanager' && this.deps.randomPassword !== undefined) {
      return this.deps.randomPassword(passwordPolicy);
    }
    return generatePassword(passwordPolicy);
  }

  verifier(password: string): Promise<string> {
    return scramVerifier(password, this.deps.config.scramIterations);
  }

  /**
   * The master login for `user`'s database. An RDS-managed master secret holds only a username and
   * password, so a missing host means the user's; a different host must be the same database.
   */
  async masterLogin(masterArn: string, user: PostgresSecret, logger: Logger): Promise<PostgresLogin> {
    const stored = await this.deps.store.getValue(masterArn, { stage: 'AWSCURRENT' });
    if (stored === undefined) throw new MasterSecretError(masterArn, 'has no AWSCURRENT value');
    let username: string;
    let password: string;
    let host: unknown;
    let port: unknown;
    try {
      const fields = parseSecretJson(stored.value);
      username = requireStringKey(fields, 'username');
      password = requireStringKey(fields, 'password');
      host = fields['host'];
      port = fields['port'];
    } catch {
      throw new MasterSecretError(masterArn, 'is not a JSON object with string username and password keys');
    }
    if (typeof host === 'string' && host.toLowerCase() !== user.host.toLowerCase()) {
      const verdict = await this.deps.topology(user.host, host);
      if (!verdict.together) throw new HostMismatchError(user.host, host, verdict.reason);
      logger.info('The master secret names another host of the same database', {
        masterHost: host,
        reason: verdict.reason,
      });
    }
    const login = this.login(user, 'master', logger);
    const masterPort =
      typeof port === 'number'
        ? port
        : typeof port === 'string' && /^\d+$/.test(port)
          ? Number(port)
          : undefined;
    return { ...login, username, password, port: masterPort ?? user.port, which: 'master' };
  }

  /** Proves a login: it authenticates, runs as the expected roles, and the check query succeeds. */
  async check(session: PostgresSession, value: PostgresSecret, expectedCurrentUser: string): Promise<void> {
    const rows = await session.query<{ session_user: string; current_user: string }>(
      'read the session identity',
      'SELECT session_user::text AS session_user, current_user::text AS current_user',
    );
    const identity = rows[0];
    if (identity?.session_user !== value.username) {
      throw new PostgresCheckFailedError(value.username, `the session runs as '${identity?.session_user}'`);
    }
    if (identity.current_user !== expectedCurrentUser) {
      throw new PostgresCheckFailedError(
        value.username,
        `the session acts as '${identity.current_user}' instead of '${expectedCurrentUser}'`,
      );
    }
    await session.query('run the check query (PG_CHECK_QUERY)', this.deps.config.checkQuery);
  }
}
