import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import {
  AuthenticationMethodError,
  PostgresConnectionError,
  PostgresIdentityError,
  PostgresLoginRejectedError,
  PostgresStatementError,
  PostgresTlsError,
} from './errors.js';
import type {
  PostgresConnector,
  PostgresLogin,
  PostgresSession,
  SessionIdentity,
} from './PostgresSession.js';

export interface ConnectOptions {
  /** PEM CAs; when absent Node's default store (with NODE_EXTRA_CA_CERTS) is trusted. */
  readonly ca: string | undefined;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const STATE_TEXT: Readonly<Record<string, string>> = {
  '42501': 'permission denied',
  '42704': 'the role does not exist',
  '42710': 'the role already exists',
  '57014': 'the statement timed out',
  '3D000': 'the database does not exist',
  '0LP01': 'the grant is not allowed',
};

function tlsOptions(login: PostgresLogin, options: ConnectOptions): false | ConnectionOptions {
  if (login.sslMode === 'disable') return false;
  return {
    rejectUnauthorized: true,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    // An IP address is checked against the certificate's IP SANs; SNI takes host names only.
    ...(isIP(login.host) === 0 ? { servername: login.host } : {}),
    ...(login.sslMode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** Server messages can quote literals; drop them so a statement's values never reach an error. */
function scrub(message: string): string {
  return message.replace(/'[^']*'/g, "'…'").slice(0, 200);
}

function connectFailure(login: PostgresLogin, error: unknown): Error {
  if (error instanceof AuthenticationMethodError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (code === '28P01' || code === '28000')
    return new PostgresLoginRejectedError(login.username, login.host, login.which);
  if (code === '3D000')
    return new PostgresConnectionError(login.host, login.port, `database '${login.dbname}' does not exist`);
  if ((typeof code === 'string' && TLS_CODES.has(code)) || /SSL|TLS|certificate/i.test(message)) {
    return new PostgresTlsError(login.host, login.port, typeof code === 'string' ? code : scrub(message));
  }
  if (/timeout/i.test(message))
    return new PostgresConnectionError(login.host, login.port, 'connection timed out');
  return new PostgresConnectionError(
    login.host,
    login.port,
    typeof code === 'string' ? code : scrub(message) || 'unknown error',
    {
      cause: error,
    },
  );
}

/** A connect timeout that counts only while running: held while this side makes the server wait. */
class ServerClock {
  #left: number;
  #since = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    budgetMs: number,
    private readonly expire: () => void,
  ) {
    this.#left = budgetMs;
    this.resume();
  }

  hold(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#left -= performance.now() - this.#since;
  }

  resume(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#since = performance.now();
    this.#timer = setTimeout(this.expire, Math.max(0, this.#left));
  }

  stop(): void {
    this.hold();
    this.#stopped = true;
  }
}

/** Connects with `pg`: verified TLS unless told otherwise, bounded connect and statement time. */
export function createPostgresConnector(options: ConnectOptions): PostgresConnector {
  // Loaded by the first login, so steps that never log in (createSecret, finishSecret of a single
  // user) never load the driver.
  let driver: Promise<{ readonly Client: typeof import('pg').Client }> | undefined;
  return async (login) => {
    driver ??= import('pg').then((module) => module.default);
    const pg = await driver;
    // pg asks for the password only once the server has named its method, and this listener hears
    // the method first: a server that wants cleartext (or, for a master, MD5) gets no answer at all.
    let refusedMethod: string | undefined;
    // Set when authenticateAfter or passwordLater rejects: the connection was ended for that reason,
    // not the server's.
    let withheld: { reason: unknown } | undefined;
    let scram = false;
    let passwordAsked = false;
    // A login this side holds (authenticateAfter, passwordLater) is timed by its own clock, which runs
    // only while the server owes an answer: waiting on this side never times the server out.
    const held = login.authenticateAfter !== undefined || login.passwordLater !== undefined;
    let timedOut = false;
    const clock = held
      ? new ServerClock(options.connectTimeoutMs, () => {
          timedOut = true;
          client.connection.stream.destroy();
        })
      : undefined;
    const client = new pg.Client({
      host: login.host,
      port: login.port,
      database: login.dbname,
      user: login.username,
      password: async () => {
        passwordAsked = true;
        clock?.hold();
        // An MD5 or cleartext answer is derived from the password at once: it waits here. SCRAM's
        // first message is not (it names the user), so a SCRAM login goes on to the server's salt.
        if (login.authenticateAfter !== undefined && !scram) await login.authenticateAfter;
        if (refusedMethod !== undefined) {
          throw new AuthenticationMethodError(login.host, login.port, refusedMethod, login.which);
        }
        const password = login.passwordLater === undefined ? login.password : await login.passwordLater;
        clock?.resume();
        return password;
      },
      ...(login.privileged ? { options: '-c search_path=pg_catalog,pg_temp' } : {}),
      ssl: tlsOptions(login, options),
      connectionTimeoutMillis: held ? 0 : options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      query_timeout: options.statementTimeoutMs + 1_000,
      application_name: 'secrets-rotation',
    });
    client.connection.on('authenticationSASL', () => {
      scram = true;
    });
    if (login.authenticateAfter !== undefined) {
      // SCRAM's client proof, computed as soon as the server sends its salt, is the one message derived
      // from the password: it goes out only once authenticateAfter has settled, and never if it rejects.
      const gate = login.authenticateAfter;
      const connection = client.connection as unknown as { sendSCRAMClientFinalMessage(data: string): void };
      const sendProof = connection.sendSCRAMClientFinalMessage.bind(connection);
      connection.sendSCRAMClientFinalMessage = (data) => {
        clock?.hold();
        gate.then(
          () => {
            clock?.resume();
            sendProof(data);
          },
          () => undefined,
        );
      };
    }
    // Whatever this side holds the login for rejecting closes the connection at once, wherever the
    // login has got to (TCP, TLS, startup, SCRAM): nothing derived from the password has gone out.
    let connecting = true;
    const abandon = (reason: unknown) => {
      if (!connecting || withheld !== undefined) return;
      withheld = { reason };
      client.connection.stream.destroy();
    };
    login.authenticateAfter?.catch(abandon);
    login.passwordLater?.catch(abandon);
    // The server reports the session's user (session_authorization) as it finishes the startup, in the
    // same flight as its ReadyForQuery: read there, it costs no round trip. The last report before the
    // first ReadyForQuery is what the session is; the client cannot set it, and a role's own settings
    // cannot change it at startup.
    let reportedUser: string | undefined;
    let ready = false;
    client.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
      if (!ready && message.parameterName === 'session_authorization') reportedUser = message.parameterValue;
    });
    client.connection.once('readyForQuery', () => {
      ready = true;
    });
    client.connection.on('authenticationCleartextPassword', () => {
      refusedMethod = 'cleartext password';
    });
    client.connection.on('authenticationMD5Password', () => {
      if (login.privileged) refusedMethod = 'MD5 password';
    });
    // A server that drops the connection later must not crash the process with an unhandled event.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      if (withheld !== undefined) throw withheld.reason;
      if (timedOut) throw new PostgresConnectionError(login.host, login.port, 'connection timed out');
      throw connectFailure(login, error);
    } finally {
      connecting = false;
      clock?.stop();
    }
    // A login opened before its password was known (a warm master connection) that the server let in
    // without asking for one (trust) is not used: the step connects afresh once its checks have passed.
    if (login.passwordLater !== undefined && !passwordAsked) {
      await client.end().catch(() => undefined);
      throw new PostgresConnectionError(login.host, login.port, 'the server asked for no password');
    }
    // A server that asked for no password (trust, certificates) authenticated without waiting: the
    // session is still used only once what it waits for has settled.
    if (login.authenticateAfter !== undefined) {
      try {
        await login.authenticateAfter;
      } catch (reason) {
        await client.end().catch(() => undefined);
        throw reason;
      }
    }
    // Who logged in is the server's word, never the name the client sent: its startup report, or where
    // something between (a pooler) did not pass that on, its answer to session_user, a SQL keyword no
    // search_path or object in the database can stand in for. A session that is someone else is closed
    // before anything runs in it.
    let identity: SessionIdentity;
    if (reportedUser !== undefined) {
      identity = { sessionUser: reportedUser, reportedAtStartup: true };
    } else {
      try {
        const result = await client.query<{ session_user: unknown }>('SELECT session_user');
        identity = { sessionUser: String(result.rows[0]?.session_user), reportedAtStartup: false };
      } catch (error) {
        await client.end().catch(() => undefined);
        throw connectFailure(login, error);
      }
    }
    if (identity.sessionUser !== login.username) {
      await client.end().catch(() => undefined);
      throw new PostgresIdentityError(login.username, identity.sessionUser, login.host, login.which);
    }
    const session: PostgresSession = {
      identity,
      async query<Row extends Record<string, unknown>>(
        action: string,
        sql: string,
        params?: readonly unknown[],
      ) {
        try {
          const result = await client.query<Row>(sql, params === undefined ? undefined : [...params]);
          return result.rows;
        } catch (error) {
          const state = (error as { code?: unknown }).code;
          const sqlState = typeof state === 'string' ? state : undefined;
          const detail =
            (sqlState === undefined ? undefined : STATE_TEXT[sqlState]) ??
            (error instanceof Error ? scrub(error.message) : 'unknown error');
          throw new PostgresStatementError(action, sqlState, detail);
        }
      },
      identifier: (name) => client.escapeIdentifier(name),
      literal: (value) => client.escapeLiteral(value),
      end: () => client.end().catch(() => undefined),
    };
    return session;
  };
}

/** Runs `work` in a session that is always closed, also when `work` fails. */
export async function withSession<T>(
  connect: PostgresConnector,
  login: PostgresLogin,
  work: (session: PostgresSession) => Promise<T>,
): Promise<T> {
  const session = await connect(login);
  try {
    return await work(session);
  } finally {
    await session.end();
  }
}
