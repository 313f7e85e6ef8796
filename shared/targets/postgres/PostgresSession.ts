import type { SslMode } from './PostgresSecret.js';

/** Who to log in as and where. `password` is secret; `which` names the credential in errors. */
export interface PostgresLogin {
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
  readonly sslMode: SslMode;
  readonly which: string;
  /**
   * A master login: authenticates with SCRAM only (never a cleartext or MD5 answer), and its session
   * resolves names in pg_catalog only, so objects in a database the user side controls cannot
   * capture its statements.
   */
  readonly privileged: boolean;
  /**
   * Nothing derived from the password is sent before this settles: the connection, the TLS handshake,
   * the startup and SCRAM's first exchange (the user's name, the server's salt) go ahead, and the
   * client proof waits. If it rejects, the connection is closed and the connect rejects with its
   * reason. Lets a master connect while the proof that allows it still runs.
   */
  readonly authenticateAfter?: Promise<unknown>;
  /**
   * For a connection opened before its secret was read (a warm master connection): `password` is
   * not used, and the answer to the server's password request waits for this instead. If it rejects,
   * the connection is closed and the connect rejects with its reason.
   */
  readonly passwordLater?: Promise<string>;
}

/** Who the server says logged in: the session's user, which no later statement in it can change. */
export interface SessionIdentity {
  readonly sessionUser: string;
  /** True when the server's startup report said so; false when it had to be asked (session_user). */
  readonly reportedAtStartup: boolean;
}

/** One open connection. `action` describes a statement for errors; statement text is never quoted. */
export interface PostgresSession {
  /** The server's word when the session opened; its `sessionUser` is always the login's username. */
  readonly identity: SessionIdentity;
  query<Row extends Record<string, unknown>>(
    action: string,
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Escapes an identifier the way the server expects (double quotes, doubled inner quotes). */
  identifier(name: string): string;
  /** Escapes a string literal for the few statements that take no bind parameters (ALTER ROLE). */
  literal(value: string): string;
  end(): Promise<void>;
}

/** Opens a session; rejects with a typed error. The seam tests use to inject crashes. */
export type PostgresConnector = (login: PostgresLogin) => Promise<PostgresSession>;
