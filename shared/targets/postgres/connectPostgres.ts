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
    const client = new pg.Client({
      host: login.host,
      port: login.port,
      database: login.dbname,
      user: login.username,
      password: async () => {
        // An MD5 or cleartext answer is derived from the password at once: it waits here. SCRAM's
        // first message is not (it names the user), so a SCRAM login goes on to the server's salt.
        if (login.authenticateAfter !== undefined && !scram) {
          try {
            await login.authenticateAfter;
          } catch (reason) {
            withheld = { reason };
            throw reason;
          }
        }
        if (refusedMethod !== undefined) {
          throw new AuthenticationMethodError(login.host, login.port, refusedMethod, login.which);
        }
        if (login.passwordLater === undefined) return login.password;
        try {
          return await login.passwordLater;
        } catch (reason) {
          withheld = { reason };
          throw reason;
        }
      },
      ...(login.privileged ? { options: '-c search_path=pg_catalog,pg_temp' } : {}),
      ssl: tlsOptions(login, options),
      // A login that waits for something before authenticating (a master waiting for the proof, which
      // may try two logins) gets that long on top of its own connect.
      connectionTimeoutMillis:
        login.authenticateAfter === undefined ? options.connectTimeoutMs : options.connectTimeoutMs * 3,
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
      const connection = client.connection as unknown as {
        sendSCRAMClientFinalMessage(data: string): void;
        stream: { destroy(): void };
      };
      const sendProof = connection.sendSCRAMClientFinalMessage.bind(connection);
      connection.sendSCRAMClientFinalMessage = (data) => {
        gate.then(
          () => sendProof(data),
          (reason: unknown) => {
            withheld = { reason };
            connection.stream.destroy();
          },
        );
      };
    }
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
      throw connectFailure(login, error);
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
