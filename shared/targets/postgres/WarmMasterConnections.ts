import type { EarlyStart } from '../../rotation/RotationTarget.js';
import type { PostgresConnector, PostgresLogin, PostgresSession } from './PostgresSession.js';
import { settle } from './settle.js';

/** Where a master's database was when its secret was last read and checked: never its password. */
type MasterPlace = Omit<PostgresLogin, 'password' | 'authenticateAfter' | 'passwordLater'>;

/** How many master secrets a container remembers the place of. */
const MAX_PLACES = 100;

const PLACE_KEYS = ['host', 'port', 'dbname', 'username', 'sslMode', 'privileged'] as const;

/** One step's warm connection: taken by that step once, or dropped. */
class WarmConnection implements EarlyStart {
  #state: 'open' | 'taken' | 'dropped' = 'open';
  readonly #password = settle<string>();
  readonly #allowed = settle<unknown>();
  readonly #session: Promise<PostgresSession>;

  constructor(
    readonly masterArn: string,
    readonly place: MasterPlace,
    connect: PostgresConnector,
  ) {
    this.#session = connect({
      ...place,
      password: '',
      passwordLater: this.#password.promise,
      authenticateAfter: this.#allowed.promise,
    });
    this.#session.catch(() => undefined);
  }

  /** Its session, given `login`'s password, where it goes to exactly `login`'s place; else dropped. */
  takeFor(
    masterArn: string,
    login: PostgresLogin,
    after: Promise<unknown>,
  ): Promise<PostgresSession> | undefined {
    if (this.#state !== 'open') return undefined;
    if (masterArn !== this.masterArn || PLACE_KEYS.some((key) => this.place[key] !== login[key])) {
      this.drop();
      return undefined;
    }
    this.#state = 'taken';
    this.#password.resolve(login.password);
    after.then(this.#allowed.resolve, this.#allowed.reject);
    return this.#session;
  }

  drop(): void {
    if (this.#state !== 'open') return;
    this.#state = 'dropped';
    // The connector closes the connection at once, wherever it is: nothing of the password was sent.
    const unused = new Error('the step did not use this warm connection');
    this.#password.reject(unused);
    this.#allowed.reject(unused);
    void this.#session.then(
      (opened) => opened.end(),
      () => undefined,
    );
  }
}

/**
 * A warm container's head start on a master's connection. A master secret read and checked leaves
 * its place (host, port, database, user name, TLS mode) behind; a later step that expects to read
 * that secret opens a connection there while Secrets Manager answers: TCP, TLS verified as always,
 * the startup message. Its answer to the server's password request waits for the master secret read
 * afresh, and only that step may use it, only where that read passed every check and names exactly
 * the same place; SCRAM's client proof then still waits for whatever the step gates it on.
 */
export class WarmMasterConnections {
  readonly #places = new Map<string, { readonly masterArn: string; readonly place: MasterPlace }>();

  constructor(private readonly connect: PostgresConnector) {}

  /** Records where a master secret, read and checked, says its database is. */
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

  /** Forgets a master secret whose latest read failed (by any of its names): no more head starts there. */
  forget(id: string): void {
    const entry = this.#places.get(id);
    this.#places.delete(id);
    for (const [other, known] of this.#places) {
      if (known.masterArn === entry?.masterArn) this.#places.delete(other);
    }
  }

  /**
   * Opens a connection to where the first of `ids` with a remembered place was, for one step, or
   * returns undefined when none of them has been read here before.
   */
  open(ids: readonly string[]): EarlyStart | undefined {
    const known = ids.map((id) => this.#places.get(id)).find((entry) => entry !== undefined);
    return known === undefined ? undefined : new WarmConnection(known.masterArn, known.place, this.connect);
  }

  /**
   * The session of the step's own warm connection (`start`) where it goes to exactly `login`'s place
   * for `masterArn`, now given the password it waited for; SCRAM's client proof waits for `after`.
   * Undefined when the step has none, or it goes elsewhere (it is then closed at once).
   */
  take(
    start: EarlyStart | undefined,
    masterArn: string,
    login: PostgresLogin,
    after: Promise<unknown>,
  ): Promise<PostgresSession> | undefined {
    return start instanceof WarmConnection ? start.takeFor(masterArn, login, after) : undefined;
  }
}
