import type { Logger } from '@aws-lambda-powertools/logger';
import { onlyAllowedArn } from '../../config/ArnAllowList.js';
import { generatePassword } from '../../passwords/generatePassword.js';
import type { PasswordPolicy } from '../../passwords/PasswordPolicy.js';
import type { EarlyStart, RelatedSecretRead, RotationContext } from '../../rotation/RotationTarget.js';
import { checkPrivilegedSecret } from '../../secrets/checkPrivilegedSecret.js';
import { SecretsManagerCallError } from '../../secrets/errors.js';
import type { SecretStore } from '../../secrets/SecretStore.js';
import { parseSecretJson } from '../../secrets/secretJson.js';
import { type FieldKind, fieldProblem } from './connectionFields.js';
import { withSession } from './connectPostgres.js';
import {
  HostMismatchError,
  MasterSecretError,
  MasterSecretNotAllowedError,
  PostgresCheckFailedError,
  PostgresConnectionError,
  PostgresLoginRejectedError,
  TlsDowngradeError,
  UnprovenSecretError,
} from './errors.js';
import type { PostgresConfig } from './PostgresConfig.js';
import { type PostgresSecret, SSL_MODES, SSL_STRENGTH, type SslMode } from './PostgresSecret.js';
import type { PostgresConnector, PostgresLogin, PostgresSession } from './PostgresSession.js';
import { guardRoles, inspectRoles, type RoleInspection } from './postgresRoles.js';
import type { DatabaseLookup, TopologyCheck } from './rdsTopology.js';
import { scramVerifier } from './scramVerifier.js';
import { WarmMasterConnections } from './WarmMasterConnections.js';

export interface PostgresTargetDependencies {
  readonly config: PostgresConfig;
  /** Reads master secrets (value and tags). */
  readonly store: SecretStore;
  readonly connect: PostgresConnector;
  readonly topology: TopologyCheck;
  /** Finds the database an RDS-managed master secret belongs to. */
  readonly database: DatabaseLookup;
  /** Secrets Manager's GetRandomPassword, used when PASSWORD_SOURCE=secretsmanager. */
  readonly randomPassword?: (policy: PasswordPolicy) => Promise<string>;
}

/**
 * A master credential and the database it administers. Everything here comes from the master
 * secret or from RDS, never from the user secret that names the master.
 */
export interface MasterCredential {
  readonly arn: string;
  readonly login: PostgresLogin;
  /** Where the host came from, for logs. */
  readonly hostFrom: 'the master secret' | 'RDS';
}

/** A version of the user secret that may prove the secret's writer holds a working login. */
export type ProofCandidate = readonly [which: string, read: () => Promise<PostgresSecret | undefined>];

const RDS_INSTANCE_TAG = 'aws:rds:primaryDBInstanceArn';
const RDS_CLUSTER_TAG = 'aws:rds:primaryDBClusterArn';

function optionalPort(value: unknown): number | undefined {
  const port =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(port) && port >= 1 && port <= 65_535 ? port : undefined;
}

/** What both Postgres strategies do the same way: logins, master secrets, passwords, the check. */
export class PostgresAccess {
  readonly #warm: WarmMasterConnections;

  constructor(readonly deps: PostgresTargetDependencies) {
    this.#warm = new WarmMasterConnections(deps.connect);
  }

  /** The function's TLS floor, raised (never lowered) by the secret's `ssl` key. */
  sslModeFor(requested: SslMode | undefined): SslMode {
    const floor = this.deps.config.sslMode;
    if (requested === undefined) return floor;
    if (SSL_STRENGTH[requested] < SSL_STRENGTH[floor]) throw new TlsDowngradeError(requested, floor);
    return requested;
  }

  /** A login with the secret's own credentials, where the secret says. */
  login(secret: PostgresSecret, which: string, logger: Logger): PostgresLogin {
    const sslMode = this.sslModeFor(secret.sslMode);
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
      privileged: false,
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

  /**
   * As a step starts, a connection to where the first of `related` with a remembered place (a master
   * this container read and checked before) was; see WarmMasterConnections.
   */
  startEarly(related: readonly string[]): EarlyStart | undefined {
    return this.#warm.open(related);
  }

  /**
   * The master's session, for `within`: the step's warm connection (`earlyStart`) when it goes to
   * exactly the place this read of the master secret names, else a new one. SCRAM's client proof
   * waits for `after` (the proof that allows the master to act), if given. A warm connection that
   * failed short of a timeout (reset, refused, or let in without a password) is a lost head start:
   * the master connects afresh once, after `after`. Any other failure is the master's to report.
   */
  async openMaster(
    master: MasterCredential,
    options: {
      readonly earlyStart?: EarlyStart | undefined;
      readonly after?: Promise<unknown>;
      readonly logger: Logger;
    },
  ): Promise<PostgresSession> {
    const { after, logger } = options;
    const warm = this.#warm.take(options.earlyStart, master.arn, master.login, after ?? Promise.resolve());
    if (warm === undefined) {
      return this.deps.connect(
        after === undefined ? master.login : { ...master.login, authenticateAfter: after },
      );
    }
    try {
      const session = await warm;
      logger.debug('The master session is the connection opened as the step started');
      return session;
    } catch (error) {
      if (!(error instanceof PostgresConnectionError) || error.reason === 'connection timed out') throw error;
      logger.debug('The connection opened as the step started failed; the master connects afresh', {
        reason: error.reason,
      });
      await after;
      return this.deps.connect(master.login);
    }
  }

  /**
   * Runs `work` in an open session and ends it, also when `work` fails. The end (pg writes its
   * Terminate message at once) is not waited for: the step's work is done, and the server's goodbye
   * adds nothing to it.
   */
  async within<T>(session: PostgresSession, work: (session: PostgresSession) => Promise<T>): Promise<T> {
    try {
      return await work(session);
    } finally {
      void session.end();
    }
  }

  /**
   * The master secret to read ahead for `masterArn` (or, with no value, the one the function allows):
   * only one the allow-list already allows as written, so no other master is ever read early.
   */
  masterReads(masterArn: string | undefined): readonly RelatedSecretRead[] {
    const allowed = this.deps.config.allowedMasterSecrets;
    const arn = masterArn ?? onlyAllowedArn(allowed);
    if (arn === undefined || !allowed.allows(arn)) return [];
    return [{ secretId: arn, describe: true }];
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
   * Reads a master secret and finds its database: the master secret's own host, or for an
   * RDS-managed master (username and password only) the instance or cluster that RDS tagged it with.
   */
  async master(
    masterArn: string,
    context: Pick<RotationContext, 'logger' | 'functionArn'>,
  ): Promise<MasterCredential> {
    try {
      const master = await this.#readMaster(masterArn, context);
      // Only a read that passed every check above is worth a head start next time.
      this.#warm.remember([masterArn, master.arn], master.arn, master.login);
      return master;
    } catch (error) {
      this.#warm.forget(masterArn);
      throw error;
    }
  }

  async #readMaster(
    masterArn: string,
    context: Pick<RotationContext, 'logger' | 'functionArn'>,
  ): Promise<MasterCredential> {
    const { logger } = context;
    const allowed = this.deps.config.allowedMasterSecrets;
    // Read alongside DescribeSecret when the name as written is already allowed; its value is used
    // only after the checks below, on the ARN Secrets Manager returns.
    const early = allowed.allows(masterArn)
      ? this.deps.store.getValue(masterArn, { stage: 'AWSCURRENT' })
      : undefined;
    early?.catch(() => undefined);
    let metadata: Awaited<ReturnType<SecretStore['describe']>>;
    try {
      metadata = await this.deps.store.describe(masterArn);
    } catch (error) {
      // The AWS error name tells a missing secret from a missing permission; it never holds a value.
      const awsError = error instanceof SecretsManagerCallError ? error.awsErrorName : undefined;
      throw new MasterSecretError(
        masterArn,
        `cannot be described (${awsError ?? 'no answer'}; the role needs secretsmanager:DescribeSecret on it)`,
        { cause: error },
      );
    }
    checkPrivilegedSecret(
      metadata,
      allowed,
      context.functionArn,
      'master',
      (arn, reason) => new MasterSecretNotAllowedError(arn, reason),
    );
    const stored = await (early ?? this.deps.store.getValue(metadata.arn, { stage: 'AWSCURRENT' }));
    if (stored === undefined) throw new MasterSecretError(masterArn, 'has no AWSCURRENT value');
    let fields: Readonly<Record<string, unknown>>;
    try {
      fields = parseSecretJson(stored.value);
    } catch {
      throw new MasterSecretError(masterArn, 'is not a JSON object');
    }
    // The platform team writes master secrets, but their keys reach the same protocol fields.
    const masterField = (key: string, kind: FieldKind, required: boolean): string | undefined => {
      const value = fields[key];
      if (value === undefined || value === null || value === '') {
        if (required) throw new MasterSecretError(masterArn, `has no string '${key}' key`);
        return undefined;
      }
      const problem = typeof value === 'string' ? fieldProblem(value, kind) : 'must be a string';
      if (problem !== undefined) throw new MasterSecretError(masterArn, `has a '${key}' key that ${problem}`);
      return value as string;
    };
    const username = masterField('username', 'name', true) ?? '';
    const password = masterField('password', 'password', true) ?? '';
    const ssl = fields['ssl'];
    const masterSsl =
      ssl === true
        ? 'verify-full'
        : typeof ssl === 'string' && (SSL_MODES as readonly string[]).includes(ssl)
          ? (ssl as SslMode)
          : undefined;
    const ownDbname = masterField('dbname', 'name', false);

    const host = masterField('host', 'host', false);
    let where: { host: string; port: number; dbname: string | undefined };
    let hostFrom: MasterCredential['hostFrom'];
    if (host !== undefined) {
      const port = fields['port'] === undefined ? 5432 : optionalPort(fields['port']);
      if (port === undefined) throw new MasterSecretError(masterArn, "has a 'port' that is not a TCP port");
      where = { host, port, dbname: ownDbname };
      hostFrom = 'the master secret';
    } else {
      const resource = metadata.tags.get(RDS_INSTANCE_TAG) ?? metadata.tags.get(RDS_CLUSTER_TAG);
      if (resource === undefined) {
        throw new MasterSecretError(
          masterArn,
          `has no 'host' key and no ${RDS_INSTANCE_TAG} or ${RDS_CLUSTER_TAG} tag, so the database it administers is unknown (add host and port to it)`,
        );
      }
      let found: Awaited<ReturnType<DatabaseLookup>>;
      try {
        found = await this.deps.database(resource);
      } catch (error) {
        const name = error instanceof Error ? error.name : 'an unknown error';
        throw new MasterSecretError(
          masterArn,
          `belongs to ${resource}, which RDS could not be asked about (${name}; the role needs rds:DescribeDBInstances and rds:DescribeDBClusters)`,
        );
      }
      if (found === undefined)
        throw new MasterSecretError(masterArn, `belongs to ${resource}, which RDS does not list`);
      where = { host: found.host, port: found.port, dbname: ownDbname ?? found.dbname };
      hostFrom = 'RDS';
    }
    // The function's floor, raised by the master secret itself if it asks for more; never the user's key.
    const floor = this.deps.config.sslMode;
    const sslMode =
      masterSsl !== undefined && SSL_STRENGTH[masterSsl] > SSL_STRENGTH[floor] ? masterSsl : floor;
    if (sslMode === 'disable') {
      logger.warn('TLS is disabled for the master login by configuration: the connection is not encrypted', {
        host: where.host,
      });
    }
    const login: PostgresLogin = {
      host: where.host,
      port: where.port,
      // Never the user's database: its owner could plant objects there that a master session would run.
      dbname: where.dbname ?? 'postgres',
      username,
      password,
      sslMode,
      which: 'master',
      privileged: true,
    };
    return { arn: metadata.arn, hostFrom, login };
  }

  /** The user secret must point at the master's database: the same host and port, or RDS relates them. */
  async bind(user: PostgresSecret, master: MasterCredential, logger: Logger): Promise<void> {
    const masterHost = master.login.host;
    if (user.port !== master.login.port) {
      throw new HostMismatchError(
        `${user.host}:${user.port}`,
        `${masterHost}:${master.login.port}`,
        'the ports differ',
      );
    }
    if (user.host.toLowerCase() === masterHost.toLowerCase()) return;
    const verdict = await this.deps.topology(user.host, masterHost);
    if (!verdict.together) throw new HostMismatchError(user.host, masterHost, verdict.reason);
    logger.info("The secret's host is another endpoint of the master's database", {
      masterHost,
      masterHostFrom: master.hostFrom,
      reason: verdict.reason,
    });
  }

  /**
   * Proves the secret's writer holds a working login of the roles it names, before a master acts for
   * it: the first candidate at the secret's own host whose login works. Who logged in is what the
   * server says (the connector compares the session's user); nothing else is asked in that session, since
   * its owner shapes it (search_path, operators, functions): whatever decides what the master does is
   * checked afterwards in the master's own session.
   */
  async prove(
    candidates: readonly ProofCandidate[],
    subject: PostgresSecret,
    accepts: (value: PostgresSecret) => string | undefined,
    logger: Logger,
  ): Promise<{ readonly which: string; readonly value: PostgresSecret }> {
    const tried: string[] = [];
    let refusal = 'no stored login works';
    for (const [which, read] of candidates) {
      const value = await read();
      if (
        value === undefined ||
        value.host !== subject.host ||
        value.port !== subject.port ||
        value.dbname !== subject.dbname
      )
        continue;
      const problem = accepts(value);
      if (problem !== undefined) {
        refusal = problem;
        continue;
      }
      tried.push(which);
      const login = this.login(value, which, logger);
      let session: PostgresSession;
      try {
        session = await this.deps.connect(login);
      } catch (error) {
        if (error instanceof PostgresLoginRejectedError && error.username === login.username) continue;
        throw error;
      }
      // Nothing is asked in a proof session: its close goes out now, and the step goes on (to the master
      // session, which outlives it) without waiting for the server's goodbye.
      void session.end();
      logger.info('The secret proved a working login before the master secret acts', { provedWith: which });
      return { which, value };
    }
    throw new UnprovenSecretError(subject.username, subject.host, tried, refusal);
  }

  /** Refuses roles a master must not change for an application secret; see `guardRoles`. */
  guard(session: PostgresSession, master: MasterCredential, roles: readonly string[]): Promise<void> {
    return guardRoles(session, master.login.username, roles);
  }

  /** The roles' state and what would refuse them, in one round trip; see `inspectRoles`. */
  inspect(
    session: PostgresSession,
    master: MasterCredential,
    roles: readonly string[],
  ): Promise<RoleInspection> {
    return inspectRoles(session, master.login.username, roles);
  }

  /** Proves a login: it authenticates, runs as the expected roles, and the check query succeeds. */
  async check(session: PostgresSession, value: PostgresSecret, expectedCurrentUser: string): Promise<void> {
    // Who logged in, as the server said when the session opened (see the connector).
    const { sessionUser } = session.identity;
    if (sessionUser !== value.username) {
      throw new PostgresCheckFailedError(value.username, `the session runs as '${sessionUser}'`);
    }
    // Who it acts as is asked: a role's settings (the clone's SET role) apply at login, and the server
    // does not report them. current_user is a SQL keyword, so nothing in the database can stand in for it.
    const rows = await session.query<{ current_user: unknown }>(
      'ask who the session acts as',
      'SELECT current_user',
    );
    const currentUser = String(rows[0]?.current_user);
    if (currentUser !== expectedCurrentUser) {
      throw new PostgresCheckFailedError(
        value.username,
        `the session acts as '${currentUser}' instead of '${expectedCurrentUser}'`,
      );
    }
    await session.query('run the check query (PG_CHECK_QUERY)', this.deps.config.checkQuery);
  }
}
