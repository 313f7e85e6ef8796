import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { demoRotations } from './demo/demoRotations.js';
import { runDemos } from './demo/runDemos.js';
import { RemoteBindRefusedError } from './endpoint/errors.js';
import { assertBindable } from './endpoint/hostGuard.js';
import { LeftoverPostgresError, PostgresStartError } from './postgres/errors.js';
import { type LocalPostgres, startLocalPostgres } from './postgres/startLocalPostgres.js';
import { stopLeftoverPostgres } from './postgres/stopLeftoverPostgres.js';
import { assertPortsFree } from './stack/assertPortsFree.js';
import { CdkAssemblyError, type CdkFunctions, cdkFunctions } from './stack/cdkFunctions.js';
import { DataDirInUseError, DataDirLockError, InvalidPortError, PortInUseError } from './stack/errors.js';
import { localFunctionEnvironment } from './stack/localFunctionEnvironment.js';
import { type DataDirLock, lockDataDir } from './stack/lockDataDir.js';
import { PORT_SETTINGS, stackPorts } from './stack/stackPorts.js';
import { type LocalStack, startLocalStack } from './stack/startLocalStack.js';
import { parseStartArgs, startUsage } from './stack/startOptions.js';
import { startTokenService } from './token-service/startTokenService.js';

const command = parseStartArgs(process.argv.slice(2));
if (command.kind === 'help') {
  process.stdout.write(startUsage());
  process.exit(0);
}
if (command.kind === 'usage-error') {
  process.stderr.write(`${command.message}\n\n${startUsage()}`);
  process.exit(2);
}
const { args } = command;
// The account in every ARN; the Region comes from each request's signature.
if (!/^\d{12}$/.test(args['account-id'])) {
  console.error(`--account-id must be 12 digits, got ${args['account-id']}`);
  process.exit(2);
}
if (args.quotas !== 'aws' && args.quotas !== 'none') {
  console.error(`--quotas must be aws (AWS's request rates per Region) or none, got ${args.quotas}`);
  process.exit(2);
}
const quotas: 'aws' | 'none' = args.quotas;
let cdk: CdkFunctions | undefined;
if (args['cdk-out'] !== undefined && args['cdk-stack'] !== undefined) {
  try {
    cdk = cdkFunctions(
      args['cdk-out'],
      args['cdk-stack'],
      fileURLToPath(new URL('../dist', import.meta.url)),
    );
  } catch (error) {
    if (!(error instanceof CdkAssemblyError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  process.once('exit', () => cdk?.close());
}
const allowRemote = args['allow-remote'];
const note = (message: string) => process.stdout.write(`${message}\n`);

/** What a user can act on: the message alone and exit status 2, nothing left running. */
const REFUSALS = [
  RemoteBindRefusedError,
  InvalidPortError,
  PortInUseError,
  DataDirInUseError,
  DataDirLockError,
];
/** Start-up failures whose message says it all: exit status 1 without a stack trace. */
const FAILURES = [PostgresStartError, LeftoverPostgresError];

let lock: DataDirLock | undefined;
// Every way out (shutdown, a signal during start-up, a crash) releases the lock; SIGKILL leaves a
// stale lock, which the next start takes over.
process.once('exit', () => lock?.release());
/** What has started so far, closed newest first when a later part cannot start. */
const started: Array<() => Promise<void>> = [];

/** Runs `start`, telling a taken port (EADDRINUSE, or Postgres unable to listen) by its flag. */
async function listening<T>(
  setting: (typeof PORT_SETTINGS)[keyof typeof PORT_SETTINGS],
  port: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const inUse =
      error instanceof PostgresStartError
        ? error.addressInUse
        : (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    if (inUse) throw new PortInUseError(port, setting.service, setting.flag, { cause: error });
    throw error;
  }
}

// Known once each part listens; the functions read them when their containers start.
let served: LocalStack | undefined;
let tokenServiceUrl: string | undefined;

async function startUp() {
  const ports = stackPorts(
    { port: args.port, tokenPort: args['token-port'], pgPort: args['pg-port'] },
    process.env,
  );
  assertBindable(args.host, allowRemote);
  if (!args.memory) {
    lock = lockDataDir(args['data-dir'], { onNote: note });
    // Holding the lock, no running stack uses this directory: a Postgres still serving it was left by
    // one that was killed, and would hold its port and data files.
    const leftover = await stopLeftoverPostgres(join(args['data-dir'], 'postgres'));
    if (leftover !== undefined)
      note(
        `Note: stopped a Postgres left running by a killed stack (pid ${leftover.pid}, data directory ` +
          `${leftover.databaseDir}).`,
      );
  }
  await assertPortsFree([
    { port: ports.port, host: args.host, ...PORT_SETTINGS.port },
    { port: ports.tokenPort, host: args.host, ...PORT_SETTINGS.tokenPort },
    // Postgres listens on loopback whatever --host says.
    ...(args['no-postgres'] ? [] : [{ port: ports.pgPort, host: '127.0.0.1', ...PORT_SETTINGS.pgPort }]),
  ]);

  // Postgres first: the rotation functions need its CA to verify TLS.
  let postgres: LocalPostgres | undefined;
  if (!args['no-postgres']) {
    const server = await listening(PORT_SETTINGS.pgPort, ports.pgPort, () =>
      startLocalPostgres({
        port: ports.pgPort,
        ...(args.memory ? {} : { dataDir: join(args['data-dir'], 'postgres') }),
      }),
    );
    started.push(() => server.close());
    postgres = server;
  }

  const suiteEnvironment = localFunctionEnvironment({
    secrets: () => served?.secretsManager.store,
    postgresCaFile: postgres?.caFile,
    tokenServiceUrl: () => tokenServiceUrl,
  });
  // The stack's log: rotation events and every line the functions write (values never appear in either).
  const stack = await listening(PORT_SETTINGS.port, ports.port, () =>
    startLocalStack({
      port: ports.port,
      host: args.host,
      allowRemote,
      accountId: args['account-id'],
      quotas,
      logSink: (line) => process.stdout.write(`${line}\n`),
      functionEnvironment: (name) => {
        // A CDK app's function runs with the environment it is deployed with; only the local
        // Postgres's CA is added, since the deployed NODE_EXTRA_CA_CERTS names Lambda's RDS bundle.
        const deployed = cdk?.environment(name);
        if (deployed !== undefined)
          return { ...deployed, ...(postgres === undefined ? {} : { PG_CA_FILE: postgres.caFile }) };
        return suiteEnvironment(name);
      },
      ...(cdk === undefined ? {} : { functionsDir: cdk.functionsDir }),
      ...(args.memory ? {} : { dataDir: args['data-dir'] }),
    }),
  );
  served = stack;
  started.push(() => stack.close());
  const tokenService = await listening(PORT_SETTINGS.tokenPort, ports.tokenPort, () =>
    startTokenService({
      port: ports.tokenPort,
      host: args.host,
      allowRemote,
      ...(args.memory ? {} : { dataDir: join(args['data-dir'], 'token-service') }),
    }),
  );
  tokenServiceUrl = tokenService.url;
  return { postgres, stack, tokenService };
}

let parts: Awaited<ReturnType<typeof startUp>>;
try {
  parts = await startUp();
} catch (error) {
  for (const close of started.reverse()) await close().catch(() => undefined);
  const known = [...REFUSALS, ...FAILURES].some((kind) => error instanceof kind);
  if (!known) throw error;
  console.error((error as Error).message);
  process.exit(REFUSALS.some((kind) => error instanceof kind) ? 2 : 1);
}
const { postgres, stack, tokenService } = parts;
const region = 'us-east-1';
const accountId = args['account-id'];

process.stdout.write(
  [
    '',
    `Local Secrets Manager listening on ${stack.url}`,
    `  console: ${stack.consoleUrl}   (every secret, its rotations and health; never a value)`,
    `  state: ${args.memory ? 'in memory' : args['data-dir']}`,
    `  rotation functions: dist/<name>/index.cjs as arn:aws:lambda:${region}:${accountId}:function:<name>`,
    ...(cdk?.deployed ?? []).map(
      (fn) =>
        `  from ${args['cdk-stack']}: arn:aws:lambda:${region}:${accountId}:function:${fn.functionName} (its cdk synth asset and environment)`,
    ),
    `  rotation attempts: ${stack.url}/_local/rotations   events: ${stack.url}/_local/events`,
    `Local token service (for api-token rotation) on ${tokenService.url}`,
    postgres === undefined
      ? 'Embedded Postgres: off (--no-postgres)'
      : `Embedded Postgres on ${postgres.host}:${postgres.port} (TLS, CA in ${postgres.caFile})`,
    '',
    'Try it with the AWS CLI (any credentials work locally):',
    `  export AWS_ENDPOINT_URL=${stack.url} AWS_REGION=${region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  aws secretsmanager list-secrets --endpoint-url ${stack.url}`,
    '',
  ].join('\n'),
);

const client = new SecretsManagerClient({
  endpoint: stack.url,
  region,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

let exitCode = 0;
if (!args['no-demo']) {
  const results = await runDemos(demoRotations({ stack, tokenService, postgres }), {
    client,
    region,
    accountId,
    waitForRotation: (arn, versionId, timeoutMs) => stack.runner.waitForRotation(arn, versionId, timeoutMs),
  });
  exitCode = results.every((result) => result.verified) ? 0 : 1;
}

const shutdown = async (code: number) => {
  client.destroy();
  await tokenService.close();
  await stack.close();
  await postgres?.close();
  lock?.release();
  process.exit(code);
};

if (args.once) {
  await shutdown(exitCode);
} else {
  process.stdout.write('Running. Ctrl-C stops the stack.\n');
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
}
