import { afterAll, afterEach, beforeAll } from 'vitest';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';
import type { SecretStore } from '../../../shared/secrets/SecretStore.js';
import { createPostgresConnector } from '../../../shared/targets/postgres/connectPostgres.js';
import { createAlternatingUsersTarget } from '../../../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createSingleUserTarget } from '../../../shared/targets/postgres/createSingleUserTarget.js';
import { loadPostgresConfig } from '../../../shared/targets/postgres/PostgresConfig.js';
import type { PostgresConnector, PostgresSession } from '../../../shared/targets/postgres/PostgresSession.js';
import type { DatabaseLookup, TopologyCheck } from '../../../shared/targets/postgres/rdsTopology.js';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import type { CrashGate, CrashPoint } from '../../support/CrashGate.js';
import { useCapturedOutput } from '../../support/captureOutput.js';
import {
  createRotationHarness,
  type RotationHarness,
  SEED_VERSION,
} from '../../support/createRotationHarness.js';
import type { InMemorySecretStore } from '../../support/InMemorySecretStore.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';

export { SEED_VERSION, STEPS, VERSION_1, VERSION_2 } from '../../support/createRotationHarness.js';
export const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-master-AbCdEf';

export type Strategy = 'single' | 'alternating';

export interface PostgresFixtureOptions {
  readonly strategy: Strategy;
  readonly username: string;
  readonly password: string;
  /** Creates a master role (CREATEROLE, ADMIN OPTION on the user) and names it in the secret. */
  readonly master?: boolean;
  /**
   * Overrides the master secret's stored value (e.g. a role without privileges). It names the test
   * server's host and port unless it sets `host` itself (`host: undefined` for an RDS-managed master).
   */
  readonly masterValue?: Record<string, unknown>;
  /** The master secret holds only a username and password, as RDS-managed master secrets do. */
  readonly hostlessMaster?: boolean;
  /** The master secret's tags (e.g. `aws:rds:primaryDBInstanceArn` of an RDS-managed master). */
  readonly masterTags?: Record<string, string>;
  /** Where RDS says a tagged master's database is; none by default. */
  readonly database?: DatabaseLookup;
  readonly secretExtra?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly crashAt?: CrashPoint;
  readonly topology?: TopologyCheck;
  /** Skip creating the database role (for "user missing" cases). */
  readonly noRole?: boolean;
}

export interface PostgresFixture extends RotationHarness {
  readonly masterPassword: string | undefined;
  /** The master secret's stored value. */
  masterSecret(): string | undefined;
  /** Replaces the master secret's stored value, as its owner would (say, when the database moves). */
  setMasterSecret(value: Record<string, unknown>): void;
  /** Stores a password that does not log in as AWSCURRENT's, as anyone who may write the secret could. */
  storeWrongCurrentPassword(password: string): void;
  /** Each read of another secret's value (the master), by id, in order. */
  readonly extraValueReads: readonly string[];
  login(stage: string): { username: string; password: string };
  /** Every password stored in any version, for leak scans. */
  passwords(): string[];
}

/** Reads extra secrets (the master) by id, and the rotated secret from the in-memory store. */
function withExtraSecrets(
  store: InMemorySecretStore,
  extra: Map<string, string>,
  extraTags: Readonly<Record<string, string>>,
  valueReads: string[],
): SecretStore {
  return {
    describe: async (id) => {
      if (id === store.arn) return store.describe();
      if (!extra.has(id)) {
        throw new SecretsManagerCallError(
          'DescribeSecret',
          id,
          Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }),
        );
      }
      return {
        arn: id,
        name: id.split(':').pop() ?? id,
        rotationEnabled: false,
        versions: new Map([['master-v1', ['AWSCURRENT']]]),
        tags: new Map(Object.entries(extraTags)),
      };
    },
    getValue: async (id, selector) => {
      const value = extra.get(id);
      if (value !== undefined) valueReads.push(id);
      if (value !== undefined)
        return selector.stage === 'AWSCURRENT' ? { versionId: 'master-v1', value } : undefined;
      // Any other secret than the rotated one does not exist.
      return id === store.arn ? store.getValue(id, selector) : undefined;
    },
    putPending: (id, versionId, value) => store.putPending(id, versionId, value),
    moveCurrent: (...args) => store.moveCurrent(...args),
  };
}

export function gatedConnector(gate: CrashGate, inner: PostgresConnector): PostgresConnector {
  return async (login) => {
    let opened: PostgresSession | undefined;
    let session: PostgresSession;
    try {
      session = await gate.run(`connect as ${login.which}`, async () => {
        // When the connector may send what derives from the password: at once, or once what it waits
        // for (the proof, for a master) has settled.
        const authenticated = () => gate.events.push(`authenticate as ${login.which}`);
        if (login.authenticateAfter === undefined) authenticated();
        const authenticateAfter = login.authenticateAfter?.then((value) => {
          authenticated();
          return value;
        });
        // Awaited only once the server asks for the password, which a crashed attempt never reaches.
        authenticateAfter?.catch(() => undefined);
        // A warm connection, opened before its secret was read: where it went, and whether it was
        // ever given the password it waits for.
        if (login.passwordLater !== undefined) {
          gate.events.push(`warm ${login.which} connection to ${login.host}:${login.port}`);
        }
        const passwordLater = login.passwordLater?.then(
          (password) => {
            gate.events.push(`password given to the warm ${login.which} connection to ${login.host}`);
            return password;
          },
          (reason: unknown) => {
            gate.events.push(`password withheld from the warm ${login.which} connection to ${login.host}`);
            throw reason;
          },
        );
        passwordLater?.catch(() => undefined);
        opened = await inner({
          ...login,
          ...(authenticateAfter === undefined ? {} : { authenticateAfter }),
          ...(passwordLater === undefined ? {} : { passwordLater }),
        });
        return opened;
      });
    } catch (error) {
      // A crashed process's sockets close with it.
      await opened?.end();
      throw error;
    }
    return {
      identity: session.identity,
      query: (action, sql, params) => gate.run(`SQL ${action}`, () => session.query(action, sql, params)),
      identifier: session.identifier,
      literal: session.literal,
      end: session.end,
    };
  };
}

/** Whether the server accepts this password, over verified TLS. */
export const canLogin = (server: TestPostgres, username: string, password: string): Promise<boolean> =>
  server.canLogin(username, password);

/** Sets up roles the way an operator would: passwords only ever as SCRAM verifiers. */
export async function createRole(
  server: TestPostgres,
  name: string,
  password: string,
  attributes = '',
): Promise<void> {
  const verifier = await scramVerifier(password);
  await server.admin(async (client) => {
    await client.query(
      `CREATE ROLE ${client.escapeIdentifier(name)} WITH LOGIN ${attributes} PASSWORD ${client.escapeLiteral(verifier)}`,
    );
  });
}

let masterCounter = 0;

export async function postgresFixture(
  server: TestPostgres,
  options: PostgresFixtureOptions,
): Promise<PostgresFixture> {
  const extra = new Map<string, string>();
  const extraValueReads: string[] = [];
  let masterPassword: string | undefined;
  const location = options.hostlessMaster === true ? {} : { host: server.host, port: server.port };
  if (!options.noRole) await createRole(server, options.username, options.password);
  if (options.master === true) {
    masterCounter += 1;
    const masterName = `rotation_master_${masterCounter}`;
    masterPassword = `Master-${masterCounter}-pw-Xk2v9Q`;
    await createRole(server, masterName, masterPassword, 'CREATEROLE');
    if (!options.noRole) {
      await server.admin((c) =>
        c.query(
          `GRANT ${c.escapeIdentifier(options.username)} TO ${c.escapeIdentifier(masterName)} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
        ),
      );
    }
    extra.set(
      MASTER_ARN,
      JSON.stringify({
        ...location,
        ...(options.masterValue ?? { username: masterName, password: masterPassword }),
      }),
    );
  } else if (options.masterValue !== undefined) {
    extra.set(MASTER_ARN, JSON.stringify({ ...location, ...options.masterValue }));
  }
  const config = loadPostgresConfig({
    PG_CA_FILE: server.caFile,
    ALLOWED_MASTER_SECRET_ARNS: MASTER_ARN,
    ...options.env,
  });
  const harness = createRotationHarness({
    seed: JSON.stringify({
      engine: 'postgres',
      host: server.host,
      port: String(server.port),
      username: options.username,
      password: options.password,
      dbname: 'postgres',
      dbInstanceIdentifier: 'orders-db',
      ...(options.master === true || options.masterValue !== undefined ? { masterarn: MASTER_ARN } : {}),
      ...options.secretExtra,
    }),
    secrets: (store) => withExtraSecrets(store, extra, options.masterTags ?? {}, extraValueReads),
    target: ({ store, gate }) => {
      const deps = {
        config,
        store,
        connect: gatedConnector(
          gate,
          createPostgresConnector({ ca: config.ca, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 }),
        ),
        topology: options.topology ?? (async () => ({ together: false, reason: 'no RDS in this test' })),
        database: options.database ?? (async () => undefined),
      };
      return options.strategy === 'single'
        ? createSingleUserTarget(deps)
        : createAlternatingUsersTarget(deps);
    },
    serviceName: 'postgres-test',
    ...(options.crashAt === undefined ? {} : { crashAt: options.crashAt }),
  });
  const { store } = harness;
  return {
    ...harness,
    masterPassword,
    extraValueReads,
    masterSecret: () => extra.get(MASTER_ARN),
    setMasterSecret: (value) => void extra.set(MASTER_ARN, JSON.stringify(value)),
    storeWrongCurrentPassword(password) {
      const current = JSON.parse(store.valueAt('AWSCURRENT') ?? '{}') as Record<string, unknown>;
      store.addVersion(SEED_VERSION, JSON.stringify({ ...current, password }), ['AWSCURRENT']);
    },
    login(stage) {
      const value = JSON.parse(store.valueAt(stage) ?? '{}') as { username: string; password: string };
      return { username: value.username, password: value.password };
    },
    passwords() {
      const found = new Set<string>([options.password]);
      if (masterPassword !== undefined) found.add(masterPassword);
      for (const version of Object.values(store.snapshot())) {
        if (version.value !== undefined)
          found.add((JSON.parse(version.value) as { password: string }).password);
      }
      return [...found];
    },
  };
}

export interface PostgresFixtures {
  /** The calling file's server, started before its first test. */
  readonly server: TestPostgres;
  /** What the current test wrote to stdout and stderr. */
  readonly output: { text(): string };
  /** A name no other user of this file has: `<base>_<n>`. */
  uniqueUser(base?: string): string;
  /** A fixture on the server, with a user and password of its own unless `options` name them. */
  fixture(
    options: Omit<PostgresFixtureOptions, 'username' | 'password'> & Partial<PostgresFixtureOptions>,
  ): Promise<PostgresFixture>;
}

/**
 * A Postgres server for the calling test file and fixtures on it. No password any fixture stored or
 * generated may appear in a test's output, nor in the server's statement log.
 */
export function usePostgresFixtures(naming: {
  readonly user: string;
  readonly password: (n: number) => string;
}): PostgresFixtures {
  const output = useCapturedOutput();
  let server: TestPostgres | undefined;
  const fixtures: PostgresFixture[] = [];
  let counter = 0;
  const passwords = () => fixtures.flatMap((f) => f.passwords());
  const started = (): TestPostgres => {
    if (server === undefined) throw new Error('the Postgres server starts before the first test');
    return server;
  };
  const uniqueUser = (base = naming.user) => {
    counter += 1;
    return `${base}_${counter}`;
  };

  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterEach(() => assertNoSecretLeaks(output.text(), passwords()));
  afterAll(async () => {
    try {
      if (server !== undefined) assertNoSecretLeaks(server.serverLog(), passwords());
    } finally {
      await server?.close();
    }
  });

  return {
    get server() {
      return started();
    },
    output,
    uniqueUser,
    async fixture(options) {
      const username = uniqueUser();
      const created = await postgresFixture(started(), {
        username,
        password: naming.password(counter),
        ...options,
      });
      fixtures.push(created);
      return created;
    },
  };
}
