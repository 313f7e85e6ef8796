import { Logger } from '@aws-lambda-powertools/logger';
import {
  createRotationHandler,
  type RotationHandler,
} from '../../../shared/rotation/createRotationHandler.js';
import type { RotationStep } from '../../../shared/rotation/RotationEvent.js';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';
import type { SecretStore } from '../../../shared/secrets/SecretStore.js';
import { createPostgresConnector } from '../../../shared/targets/postgres/connectPostgres.js';
import { createAlternatingUsersTarget } from '../../../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createSingleUserTarget } from '../../../shared/targets/postgres/createSingleUserTarget.js';
import type { PostgresTargetDependencies } from '../../../shared/targets/postgres/PostgresAccess.js';
import { loadPostgresConfig } from '../../../shared/targets/postgres/PostgresConfig.js';
import type { PostgresConnector, PostgresSession } from '../../../shared/targets/postgres/PostgresSession.js';
import type { DatabaseLookup, TopologyCheck } from '../../../shared/targets/postgres/rdsTopology.js';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { CrashGate } from '../../fakes/CrashGate.js';
import { InMemorySecretStore } from '../../fakes/InMemorySecretStore.js';
import { retryRotation } from '../../fakes/retryRotation.js';
import type { TestPostgres } from '../../helpers/startTestPostgres.js';

export { STEPS } from '../../fakes/retryRotation.js';
export const SEED_VERSION = '0a0b0c0d-1111-4222-8333-444455556666';
export const VERSION_1 = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
export const VERSION_2 = '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
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
  readonly crashAt?: { readonly index: number; readonly when: 'before' | 'after' };
  readonly topology?: TopologyCheck;
  /** Skip creating the database role (for "user missing" cases). */
  readonly noRole?: boolean;
}

export interface PostgresFixture {
  readonly store: InMemorySecretStore;
  readonly gate: CrashGate;
  readonly handler: RotationHandler;
  readonly masterPassword: string | undefined;
  /** The master secret's stored value. */
  masterSecret(): string | undefined;
  step(step: RotationStep, versionId?: string): Promise<void>;
  rotate(versionId?: string, maxAttempts?: number): Promise<number>;
  begin(versionId: string): void;
  login(stage: string): { username: string; password: string };
  /** Every password stored in any version, for leak scans. */
  passwords(): string[];
}

/** Reads extra secrets (the master) by id, and the rotated secret from the in-memory store. */
function withExtraSecrets(
  store: InMemorySecretStore,
  extra: Map<string, string>,
  extraTags: Readonly<Record<string, string>>,
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
        opened = await inner(login);
        return opened;
      });
    } catch (error) {
      // A crashed process's sockets close with it.
      await opened?.end();
      throw error;
    }
    return {
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
  const store = new InMemorySecretStore();
  const extra = new Map<string, string>();
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
  store.addVersion(
    SEED_VERSION,
    JSON.stringify({
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
    ['AWSCURRENT'],
  );

  const gate = new CrashGate(options.crashAt);
  const config = loadPostgresConfig({ PG_CA_FILE: server.caFile, ...options.env });
  const gatedStore = gate.store(withExtraSecrets(store, extra, options.masterTags ?? {}));
  const deps: PostgresTargetDependencies = {
    config,
    store: gatedStore,
    connect: gatedConnector(
      gate,
      createPostgresConnector({ ca: config.ca, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 }),
    ),
    topology: options.topology ?? (async () => ({ together: false, reason: 'no RDS in this test' })),
    database: options.database ?? (async () => undefined),
  };
  const target =
    options.strategy === 'single' ? createSingleUserTarget(deps) : createAlternatingUsersTarget(deps);
  const handler = createRotationHandler({
    store: gatedStore,
    target,
    logger: new Logger({ serviceName: 'postgres-test' }),
  });
  const step = async (name: RotationStep, versionId = VERSION_1) => {
    gate.nextInvocation();
    await handler({ Step: name, SecretId: store.arn, ClientRequestToken: versionId });
  };
  const begin = (versionId: string) => void store.addVersion(versionId, undefined, ['AWSPENDING']);
  begin(VERSION_1);
  return {
    store,
    gate,
    handler,
    masterPassword,
    masterSecret: () => extra.get(MASTER_ARN),
    step,
    begin,
    rotate: (versionId = VERSION_1, maxAttempts = 3) =>
      retryRotation((name) => step(name, versionId), maxAttempts),
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
