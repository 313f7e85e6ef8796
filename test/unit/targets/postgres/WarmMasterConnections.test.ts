import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { PostgresConnectionError } from '../../../../shared/targets/postgres/errors.js';
import { PostgresAccess } from '../../../../shared/targets/postgres/PostgresAccess.js';
import { loadPostgresConfig } from '../../../../shared/targets/postgres/PostgresConfig.js';
import type { PostgresLogin, PostgresSession } from '../../../../shared/targets/postgres/PostgresSession.js';
import { WarmMasterConnections } from '../../../../shared/targets/postgres/WarmMasterConnections.js';

// The bookkeeping of warm master connections, with a connector that only records what it is asked to
// do; what a real server sees of them is in test/integration/postgres/warmMaster.test.ts.

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:master-AbCdEf';
const ROTATOR = 'arn:aws:lambda:us-east-1:000000000000:function:rotator';
const OTHER_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:other-master-GhIjKl';

const LOGIN: PostgresLogin = {
  host: 'db.internal',
  port: 5432,
  dbname: 'postgres',
  username: 'platform_admin',
  password: 'Master-password-1',
  sslMode: 'verify-full',
  which: 'master',
  privileged: true,
};

const session = (name: string): PostgresSession =>
  ({
    identity: { sessionUser: name, reportedAtStartup: true },
    end: async () => undefined,
  }) as unknown as PostgresSession;

/** Records every login; each connect resolves or rejects as `outcomes` says, in turn (default: resolves). */
function recordingConnector(outcomes: Array<'ok' | Error> = []) {
  const logins: PostgresLogin[] = [];
  const connect = async (login: PostgresLogin): Promise<PostgresSession> => {
    logins.push(login);
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw outcome;
    return session(login.username);
  };
  return { logins, connect };
}

const settled = async (promise: Promise<unknown> | undefined) =>
  promise?.then(
    (value) => ({ value }),
    (reason: unknown) => ({ reason }),
  );

/** A container that has read and checked the master once, and a step that started early towards it. */
function openedForOneStep() {
  const { logins, connect } = recordingConnector();
  const warm = new WarmMasterConnections(connect);
  warm.remember([ARN], ARN, LOGIN);
  return { logins, warm, start: warm.open([ARN]) };
}

describe('WarmMasterConnections', () => {
  it('opens nothing for a master it has not read and checked, or has since forgotten', () => {
    const { logins, connect } = recordingConnector();
    const warm = new WarmMasterConnections(connect);
    expect(warm.open([ARN])).toBeUndefined();
    warm.remember(['master', ARN], ARN, LOGIN);
    expect(warm.open([OTHER_ARN])).toBeUndefined();
    // A later read of it failed: by any of its names, no more head starts there.
    warm.forget('master');
    expect(warm.open([ARN])).toBeUndefined();
    expect(logins).toEqual([]);
  });

  it('opens where the master was without its password, and gives the password only on a take for the same place', async () => {
    const { logins, connect } = recordingConnector();
    const warm = new WarmMasterConnections(connect);
    warm.remember(['master', ARN], ARN, LOGIN);
    const start = warm.open(['master']);
    expect(start).toBeDefined();
    const [opened] = logins;
    expect(opened).toMatchObject({
      host: LOGIN.host,
      port: LOGIN.port,
      username: LOGIN.username,
      password: '',
    });
    expect(JSON.stringify(opened)).not.toContain(LOGIN.password);

    const fresh = { ...LOGIN, password: 'Master-password-2' };
    const after = Promise.resolve();
    // Only the step's own start can be taken.
    expect(warm.take(undefined, ARN, fresh, after)).toBeUndefined();
    expect(warm.take({ drop: () => undefined }, ARN, fresh, after)).toBeUndefined();
    const taken = warm.take(start, ARN, fresh, after);
    expect(taken).toBeDefined();
    expect(await settled(opened?.passwordLater)).toEqual({ value: 'Master-password-2' });
    expect(await settled(opened?.authenticateAfter)).toEqual({ value: undefined });
    // Taken once only, and the step's end no longer closes it.
    expect(warm.take(start, ARN, fresh, after)).toBeUndefined();
    start?.drop();
    expect((await taken)?.identity.sessionUser).toBe(LOGIN.username);
  });

  it.each([
    ['another secret ARN', OTHER_ARN, {}],
    ['another host', ARN, { host: 'db2.internal' }],
    ['another port', ARN, { port: 5433 }],
    ['another database', ARN, { dbname: 'app' }],
    ['another user name', ARN, { username: 'someone_else' }],
    ['a different TLS mode', ARN, { sslMode: 'verify-ca' as const }],
  ])('closes the connection unanswered where the fresh read names %s', async (_case, arn, moved) => {
    const { logins, warm, start } = openedForOneStep();
    expect(warm.take(start, arn, { ...LOGIN, ...moved }, Promise.resolve())).toBeUndefined();
    expect(await settled(logins[0]?.passwordLater)).toHaveProperty('reason');
    expect(await settled(logins[0]?.authenticateAfter)).toHaveProperty('reason');
    expect(warm.take(start, ARN, LOGIN, Promise.resolve())).toBeUndefined();
  });

  it('withholds the password and the client proof from a connection the step did not take', async () => {
    const { logins, warm, start } = openedForOneStep();
    start?.drop();
    const [opened] = logins;
    expect(await settled(opened?.passwordLater)).toHaveProperty('reason');
    expect(await settled(opened?.authenticateAfter)).toHaveProperty('reason');
    expect(warm.take(start, ARN, LOGIN, Promise.resolve())).toBeUndefined();
  });

  it("holds a taken connection's client proof until the step's own proof, and withholds it when that fails", async () => {
    const { logins, warm, start } = openedForOneStep();
    const refused = new Error('no stored login works');
    const proof = Promise.reject(refused);
    proof.catch(() => undefined);
    warm.take(start, ARN, LOGIN, proof);
    expect(await settled(logins[0]?.authenticateAfter)).toEqual({ reason: refused });
  });

  it('remembers the most recent 100 masters', () => {
    const { logins, connect } = recordingConnector();
    const warm = new WarmMasterConnections(connect);
    for (let i = 0; i <= 100; i++) warm.remember([`master-${i}`], `master-${i}`, LOGIN);
    expect(warm.open(['master-0'])).toBeUndefined();
    expect(warm.open(['master-1'])).toBeDefined();
    expect(logins).toHaveLength(1);
  });
});

describe('PostgresAccess.openMaster', () => {
  const logger = new Logger({ serviceName: 'warm-master-test', logLevel: 'SILENT' });
  /** A PostgresAccess whose one allowed master secret names LOGIN's place. */
  const access = (
    connect: (login: PostgresLogin) => Promise<PostgresSession>,
    rotatedBy: () => string | undefined = () => undefined,
  ) =>
    new PostgresAccess({
      config: loadPostgresConfig({ ALLOWED_MASTER_SECRET_ARNS: ARN }),
      store: {
        describe: async (arn: string) => ({
          arn,
          name: 'master',
          rotationEnabled: false,
          versions: new Map([['v1', ['AWSCURRENT']]]),
          tags: new Map(),
          rotationLambdaArn: rotatedBy(),
        }),
        getValue: async () => ({
          versionId: 'v1',
          value: JSON.stringify({
            host: LOGIN.host,
            port: LOGIN.port,
            username: LOGIN.username,
            password: LOGIN.password,
          }),
        }),
        putPending: async () => undefined,
        moveCurrent: async () => undefined,
      },
      connect,
      topology: async () => ({ together: false, reason: 'unused' }),
      database: async () => undefined,
    });

  /** A first read and check of the master leaves its place behind; the next step starts there. */
  const secondStep = async (postgres: PostgresAccess) => {
    await postgres.master(ARN, { logger });
    const earlyStart = postgres.startEarly([ARN]);
    return { earlyStart, master: await postgres.master(ARN, { logger }) };
  };

  it('connects afresh once where the warm connection could not connect', async () => {
    const { logins, connect } = recordingConnector([
      new PostgresConnectionError(LOGIN.host, LOGIN.port, 'ECONNREFUSED'),
    ]);
    const postgres = access(connect);
    // A first read and check of the master leaves its place behind; the next step starts there.
    const { earlyStart, master } = await secondStep(postgres);
    const opened = await postgres.openMaster(master, { earlyStart, logger });
    expect(opened.identity.sessionUser).toBe(LOGIN.username);
    expect(logins.map((login) => login.passwordLater === undefined)).toEqual([false, true]);
    expect(logins[1]).toEqual(LOGIN);
  });

  it("reports a warm connection's timeout as it is: the server did not answer in its own time", async () => {
    const timedOut = new PostgresConnectionError(LOGIN.host, LOGIN.port, 'connection timed out');
    const { logins, connect } = recordingConnector([timedOut]);
    const postgres = access(connect);
    const { earlyStart, master } = await secondStep(postgres);
    await expect(postgres.openMaster(master, { earlyStart, logger })).rejects.toBe(timedOut);
    expect(logins).toHaveLength(1);
  });

  it('forgets a master whose latest read failed its checks', async () => {
    const { logins, connect } = recordingConnector();
    let allowed = true;
    // The next read finds the master rotated by this very function: refused as a master.
    const postgres = access(connect, () => (allowed ? undefined : ROTATOR));
    await postgres.master(ARN, { logger });
    allowed = false;
    await expect(postgres.master(ARN, { logger, functionArn: ROTATOR })).rejects.toMatchObject({
      name: 'SecretRotatedByThisFunctionError',
    });
    expect(postgres.startEarly([ARN])).toBeUndefined();
    expect(logins).toEqual([]);
  });

  it("reports a new connection's failure as it is, without a second try", async () => {
    const refused = new PostgresConnectionError(LOGIN.host, LOGIN.port, 'ECONNREFUSED');
    const { logins, connect } = recordingConnector([refused]);
    const postgres = access(connect);
    const master = await postgres.master(ARN, { logger });
    await expect(postgres.openMaster(master, { logger })).rejects.toBe(refused);
    expect(logins).toHaveLength(1);
  });
});
