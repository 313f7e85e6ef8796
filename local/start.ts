import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { demoRotations } from './demo/demoRotations.js';
import { runDemos } from './demo/runDemos.js';
import { RemoteBindRefusedError } from './endpoint/errors.js';
import { assertBindable } from './endpoint/hostGuard.js';
import { startLocalPostgres } from './postgres/startLocalPostgres.js';
import { startLocalStack } from './stack/startLocalStack.js';
import { startTokenService } from './token-service/startTokenService.js';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['LOCAL_STACK_PORT'] ?? '4566' },
    'pg-port': { type: 'string', default: process.env['LOCAL_POSTGRES_PORT'] ?? '5433' },
    'token-port': { type: 'string', default: process.env['LOCAL_TOKEN_SERVICE_PORT'] ?? '4567' },
    host: { type: 'string', default: '127.0.0.1' },
    'allow-remote': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '.data/local-stack' },
    memory: { type: 'boolean', default: false },
    once: { type: 'boolean', default: false },
    'no-demo': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
  },
});

function portArgument(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--${flag} must be a TCP port number, got ${value}`);
    process.exit(2);
  }
  return port;
}
const port = portArgument('port', args.port);
const tokenPort = portArgument('token-port', args['token-port']);
const pgPort = portArgument('pg-port', args['pg-port']);
const allowRemote = args['allow-remote'];
try {
  assertBindable(args.host, allowRemote);
} catch (error) {
  if (!(error instanceof RemoteBindRefusedError)) throw error;
  console.error(error.message);
  process.exit(2);
}

// Postgres first: the rotation functions need its CA to verify TLS.
const postgres = args['no-postgres']
  ? undefined
  : await startLocalPostgres({
      port: pgPort,
      ...(args.memory ? {} : { dataDir: join(args['data-dir'], 'postgres') }),
    });

// The stack's log: rotation events and every line the functions write (values never appear in either).
const stack = await startLocalStack({
  port,
  host: args.host,
  allowRemote,
  logSink: (line) => process.stdout.write(`${line}\n`),
  functionEnvironment: (): Record<string, string> =>
    postgres === undefined ? {} : { PG_CA_FILE: postgres.caFile },
  ...(args.memory ? {} : { dataDir: args['data-dir'] }),
});
const tokenService = await startTokenService({
  port: tokenPort,
  host: args.host,
  allowRemote,
  ...(args.memory ? {} : { dataDir: join(args['data-dir'], 'token-service') }),
});
const region = 'us-east-1';
const accountId = '000000000000';

process.stdout.write(
  [
    '',
    `Local Secrets Manager listening on ${stack.url}`,
    `  state: ${args.memory ? 'in memory' : args['data-dir']}`,
    `  rotation functions: dist/<name>/index.mjs as arn:aws:lambda:${region}:${accountId}:function:<name>`,
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
  process.exit(code);
};

if (args.once) {
  await shutdown(exitCode);
} else {
  process.stdout.write('Running. Ctrl-C stops the stack.\n');
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
}
