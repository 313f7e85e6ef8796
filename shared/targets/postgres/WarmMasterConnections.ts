import type { PostgresConnector, PostgresLogin, PostgresSession } from './PostgresSession.js';

/** Where a master's database was when its secret was last read and checked: never its password. */
type MasterPlace = Omit<PostgresLogin, 'password' | 'authenticateAfter' | 'passwordLater'>;

/** How many master secrets a container remembers the place of. */
const MAX_PLACES = 100;

interface Settle<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function settle<T>(): Settle<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface WarmConnection {
  readonly masterArn: string;
  readonly place: MasterPlace;
  readonly session: Promise<PostgresSession>;
  readonly password: Settle<string>;
  readonly allowed: Settle<unknown>;
}

const PLACE_KEYS = ['host', 'port', 'dbname', 'username', 'sslMode', 'privileged'] as const;

/**
 * A warm container's head start on a master's connection. A master secret read and checked in full
 * leaves its place (host, port, database, user name, TLS mode) behind; a later step that expects to
 * read that secret opens a connection there while Secrets Manager answers: TCP, TLS verified as
 * always, the startup message. Its password request waits for the master secret read afresh, and
 * the connection is used only where that read passed every check and names exactly the same place;
 * SCRAM's client proof then still waits for whatever the step gates it on.
 */
export class WarmMasterConnections {
  readonly #places = new Map<string, { readonly masterArn: string; readonly place: MasterPlace }>();
  readonly #idle = new Set<WarmConnection>();

  constructor(private readonly connect: PostgresConnector) {}

  /** Records where a master secret, read and checked in full, says its database is. */
  remember(ids: readonly string[], masterArn: string, login: PostgresLogin): void {
    const place: MasterPlace = {
      host: login.host,
      port: login.port,
      dbname: login.dbname,
      username: login.username,
      sslMode: login.sslMode,
      which: login.which,
      privileged: login.privileged,
    };
    for (const id of ids) {
      this.#places.delete(id);
      this.#places.set(id, { masterArn, place });
    }
    for (const id of this.#places.keys()) {
      if (this.#places.size <= MAX_PLACES) break;
      this.#places.delete(id);
    }
  }

  /**
   * Opens a connection to where the first of `ids` with a remembered place was. Returns what closes
   * it unless a step took it by then, or undefined when none of them has been read here before.
   */
  open(ids: readonly string[]): (() => void) | undefined {
    const known = ids.map((id) => this.#places.get(id)).find((entry) => entry !== undefined);
    if (known === undefined) return undefined;
    const password = settle<string>();
    const allowed = settle<unknown>();
    const session = this.connect({
      ...known.place,
      password: '',
      passwordLater: password.promise,
      authenticateAfter: allowed.promise,
    });
    session.catch(() => undefined);
    const warm: WarmConnection = {
      masterArn: known.masterArn,
      place: known.place,
      session,
      password,
      allowed,
    };
    this.#idle.add(warm);
    return () => {
      if (!this.#idle.delete(warm)) return;
      // Only ends the connection: no step awaits an unused one, so this reaches no caller.
      const unused = new Error('the step did not use this warm connection');
      password.reject(unused);
      allowed.reject(unused);
      void session.then(
        (opened) => opened.end(),
        () => undefined,
      );
    };
  }

  /**
   * The session of a warm connection to exactly `login`'s place for `masterArn`, now given the
   * password it waited for; SCRAM's client proof waits for `after`. Undefined when none is open.
   */
  take(
    masterArn: string,
    login: PostgresLogin,
    after: Promise<unknown>,
  ): Promise<PostgresSession> | undefined {
    for (const warm of this.#idle) {
      if (warm.masterArn !== masterArn || PLACE_KEYS.some((key) => warm.place[key] !== login[key])) continue;
      this.#idle.delete(warm);
      warm.password.resolve(login.password);
      after.then(warm.allowed.resolve, warm.allowed.reject);
      return warm.session;
    }
    return undefined;
  }
}
