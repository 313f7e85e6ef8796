import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { ConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import { createFunctionInvoker } from '../../local/lambda/createFunctionInvoker.js';
import type { LocalPostgres } from '../../local/postgres/startLocalPostgres.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalStack } from '../../local/stack/startLocalStack.js';
import type { TokenService } from '../../local/token-service/startTokenService.js';

/**
 * Runs the rotating-secrets package's README examples (packages/rotating-secrets/examples/) as
 * applications run them, against the local stack while their secrets rotate: the Lambda handler in
 * a warm local Lambda environment, the server as a Node process under steady requests. Both read
 * Secrets Manager through the endpoint the SDK finds in the environment and trust the local
 * Postgres's CA through PGSSLROOTCERT, as a deployed application would be configured.
 */
export interface ExampleEnvironment {
  readonly stack: LocalStack;
  /** An administrator's client: rotations and reads that are not the application's. */
  readonly client: SecretsManagerClient;
  readonly postgres: LocalPostgres;
  readonly tokens: TokenService;
  /** Seeded by seedConsumerSecrets with `prefix`. */
  readonly secrets: ConsumerSecrets;
  readonly prefix: string;
  /** GetSecretValue calls the endpoint has answered so far, whoever made them. */
  readonly reads: () => number;
  readonly logSink: (line: string) => void;
}

/** The application's environment: the local endpoint as the SDK's, the local CA as libpq's. */
const applicationEnvironment = (env: ExampleEnvironment): Record<string, string> => ({
  AWS_ENDPOINT_URL_SECRETS_MANAGER: env.stack.url,
  PGSSLROOTCERT: env.postgres.caFile,
});

async function rotate(env: ExampleEnvironment, secretArn: string, functionName: string): Promise<void> {
  const { VersionId } = await env.client.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  await env.stack.runner.waitForRotation(secretArn, VersionId ?? '', 60_000);
}

/**
 * Ends the roles' open sessions, as a database restart or an idle timeout would: the next query
 * needs a new connection, which logs in with whatever credentials the application holds.
 */
async function dropSessions(env: ExampleEnvironment, ...roles: string[]): Promise<void> {
  await env.postgres.admin((c) =>
    c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY($1)', [roles]),
  );
  await sleep(200);
}

export interface LambdaExampleRun {
  /** Each invocation's answer, in order: five before the rotation, four after it. */
  readonly answers: ReadonlyArray<{ readonly username: string; readonly time: string }>;
  /** GetSecretValue calls during the five invocations before the rotation. */
  readonly readsBefore: number;
  /** GetSecretValue calls during the four invocations after it. */
  readonly readsAfter: number;
}

/**
 * The Lambda example on the single-user secret: five invocations of one warm environment, a
 * rotation while it idles (and its connection is dropped, as after a long freeze), four more.
 * `functionsDir` holds `<functionName>/index.mjs`, the handler as the application deploys it.
 */
export async function exerciseLambdaExample(
  env: ExampleEnvironment,
  functionsDir: string,
  functionName: string,
): Promise<LambdaExampleRun> {
  const invoker = createFunctionInvoker({
    functionsDir,
    environment: () => ({ ...applicationEnvironment(env), DB_SECRET_ID: env.secrets.single }),
    logSink: env.logSink,
  });
  const answers: Array<{ readonly username: string; readonly time: string }> = [];
  const invoke = async (times: number): Promise<number> => {
    const before = env.reads();
    for (let i = 0; i < times; i++) {
      const result = await invoker.invoke(functionName, {});
      if (!result.ok)
        throw new Error(`The Lambda example failed: ${result.errorType}: ${result.errorMessage}`);
      answers.push(result.result as { readonly username: string; readonly time: string });
    }
    return env.reads() - before;
  };
  try {
    const readsBefore = await invoke(5);
    await rotate(env, env.secrets.single, 'postgres-single-user');
    await dropSessions(env, `${env.prefix}_single`);
    const readsAfter = await invoke(4);
    return { answers, readsBefore, readsAfter };
  } finally {
    await invoker.close();
  }
}

export interface ServerExampleRun {
  /** Answers by HTTP status; 0 counts requests that got no answer. */
  readonly statuses: ReadonlyMap<number, number>;
  /** The database users the answers named. */
  readonly users: ReadonlySet<string>;
  /** What the token service answers the token the server started with, once the rotations are done. */
  readonly firstTokenStatus: number;
  /** The server's exit code after SIGTERM. */
  readonly exitCode: number | null;
}

/** Starts the server example with `command` and resolves with its URL once it listens. */
async function startServer(
  env: ExampleEnvironment,
  command: readonly [string, ...string[]],
): Promise<{ readonly child: ChildProcess; readonly url: string }> {
  const [file, ...args] = command;
  const child = spawn(file, args, {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...applicationEnvironment(env),
      DB_SECRET_ID: env.secrets.alternating,
      API_TOKEN_SECRET_ID: env.secrets.token,
      API_URL: env.tokens.url,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => env.logSink(text.trimEnd()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.setEncoding('utf8').on('data', (text: string) => {
        env.logSink(text.trimEnd());
        const port = /listening on port (\d+)/.exec(text)?.[1];
        if (port !== undefined) resolve(`http://127.0.0.1:${port}/`);
      });
      child.once('exit', (code) =>
        reject(new Error(`The server example exited with ${code} before listening`)),
      );
    });
    return { child, url };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/**
 * The server example on the alternating-users secret and the API token secret, under steady
 * requests while each rotates twice (the second rotation retires the credentials it started with),
 * its database sessions dropped after each round; then SIGTERM.
 */
export async function exerciseServerExample(
  env: ExampleEnvironment,
  command: readonly [string, ...string[]],
): Promise<ServerExampleRun> {
  const first = await env.client.send(new GetSecretValueCommand({ SecretId: env.secrets.token }));
  const firstToken = (JSON.parse(first.SecretString ?? '{}') as { token: string }).token;
  const { child, url } = await startServer(env, command);
  const statuses = new Map<number, number>();
  const users = new Set<string>();
  let stop = false;
  // Sessions are dropped between requests, never under one (that would fail it for a reason other
  // than rotation): the load parks first.
  let paused = false;
  let parked: (() => void) | undefined;
  let resume: (() => void) | undefined;
  const load = (async () => {
    while (!stop) {
      if (paused) {
        await new Promise<void>((resolve) => {
          resume = resolve;
          parked?.();
        });
        continue;
      }
      const status = await fetch(url).then(
        async (response) => {
          if (response.ok) users.add(((await response.json()) as { database: string }).database);
          else await response.body?.cancel();
          return response.status;
        },
        () => 0,
      );
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await sleep(20);
    }
  })();
  const betweenRequests = async (action: () => Promise<void>) => {
    paused = true;
    await new Promise<void>((resolve) => {
      parked = resolve;
    });
    try {
      await action();
    } finally {
      paused = false;
      resume?.();
    }
  };

  try {
    for (let round = 0; round < 2; round++) {
      await rotate(env, env.secrets.alternating, 'postgres-alternating-users');
      await rotate(env, env.secrets.token, 'api-token');
      await betweenRequests(() => dropSessions(env, `${env.prefix}_alt`, `${env.prefix}_alt_clone`));
    }
    await sleep(500);
  } finally {
    stop = true;
    await load;
  }
  const check = await fetch(new URL('/v1/me', env.tokens.url), {
    headers: { authorization: `Bearer ${firstToken}` },
  });
  await check.body?.cancel();

  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [exitCode] = await exited;
  clearTimeout(timer);
  return { statuses, users, firstTokenStatus: check.status, exitCode };
}
