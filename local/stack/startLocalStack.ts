import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOPBACK_PROVIDER_ENVIRONMENT } from '../../shared/targets/api-token/ProviderPolicy.js';
import { assertBindable } from '../endpoint/hostGuard.js';
import { dueRotations, startScheduledRotation } from '../endpoint/rotationOperations.js';
import {
  type LocalSecretsManagerServer,
  startSecretsManagerServer,
} from '../endpoint/startSecretsManagerServer.js';
import {
  createFunctionInvoker,
  type FunctionInvoker,
  type FunctionInvokerOptions,
} from '../lambda/createFunctionInvoker.js';
import type { RetryPolicy } from '../runner/RetryPolicy.js';
import { RotationRunner } from '../runner/RotationRunner.js';
import { RotationScheduler } from '../runner/RotationScheduler.js';
import { localRoutes } from './localRoutes.js';

export interface LocalStackOptions {
  /** Default 127.0.0.1. Any other than a loopback address needs `allowRemote`. */
  readonly host?: string;
  /** Lets `host` be reachable from other machines (no auth, no TLS): a warning is printed. */
  readonly allowRemote?: boolean;
  /** Where the warning about remote access goes. Default: stderr. */
  readonly warn?: (message: string) => void;
  /** 0 picks a free port. Default 4566. */
  readonly port?: number;
  /** State, rotation records and events; in memory when absent. */
  readonly dataDir?: string;
  /** Where built functions live (`<name>/index.mjs`). Default: the project's dist/. */
  readonly functionsDir?: string;
  /** Extra environment per function, on top of the endpoint override and dummy credentials. */
  readonly functionEnvironment?: (functionName: string) => Readonly<Record<string, string>>;
  readonly retry?: RetryPolicy;
  readonly functionTimeoutMs?: number;
  /** Concurrent invocations per function (Lambda's reserved concurrency); unbounded when absent. */
  readonly reservedConcurrency?: number;
  /** How often scheduled rotations are checked; 0 turns the scheduler off. Default 60 s. */
  readonly schedulerIntervalMs?: number;
  readonly clock?: () => Date;
  readonly logSink?: (line: string) => void;
  /**
   * Builds the invoker that runs the functions from the stack's settings. Default:
   * `createFunctionInvoker`; a wrapper around it sees every invocation and its result.
   */
  readonly createInvoker?: (options: FunctionInvokerOptions) => FunctionInvoker;
  /** Called with each Secrets Manager operation served, for counting calls. */
  readonly onRequest?: (operation: string) => void;
}

export interface LocalStack {
  readonly url: string;
  readonly secretsManager: LocalSecretsManagerServer;
  readonly runner: RotationRunner;
  readonly scheduler: RotationScheduler;
  readonly invoker: FunctionInvoker;
  close(): Promise<void>;
}

const DEFAULT_FUNCTIONS_DIR = fileURLToPath(new URL('../../dist', import.meta.url));
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The local Secrets Manager with the rotation functions registered behind it. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  // Before the invoker and runner exist, so a refusal leaves nothing to close.
  assertBindable(host, options.allowRemote ?? false);
  let url = '';
  const invoker = (options.createInvoker ?? createFunctionInvoker)({
    functionsDir: options.functionsDir ?? DEFAULT_FUNCTIONS_DIR,
    ...(options.functionTimeoutMs === undefined ? {} : { timeoutMs: options.functionTimeoutMs }),
    ...(options.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrency: options.reservedConcurrency }),
    ...(options.logSink === undefined ? {} : { logSink: options.logSink }),
    environment: (name) => ({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
      SECRETS_MANAGER_ENDPOINT: url,
      AWS_REGION: LOCAL_REGION,
      POWERTOOLS_SERVICE_NAME: name,
      // The local token service speaks plain http on loopback; only here is that allowed, and only
      // to loopback origins (in Lambda, localhost is the runtime API).
      ...(name === 'api-token' ? LOOPBACK_PROVIDER_ENVIRONMENT : {}),
      ...options.functionEnvironment?.(name),
    }),
  });
  const runner = new RotationRunner({
    invoker,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'rotations') }),
    ...(options.logSink === undefined ? {} : { logSink: options.logSink }),
  });
  const secretsManager = await startSecretsManagerServer({
    port: options.port ?? 4566,
    host,
    ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
    ...(options.warn === undefined ? {} : { warn: options.warn }),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    hooks: runner,
    onEvent: (_eventName, secretArn, versionId) => runner.publish('RotationAbandoned', secretArn, versionId),
    localRoutes: localRoutes(runner),
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'secrets') }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  url = secretsManager.url;
  const store = secretsManager.store;
  const scheduler = new RotationScheduler({
    rotations: {
      dueRotations: (now) => dueRotations(store, now),
      startScheduledRotation: (arn) => startScheduledRotation(store, arn),
    },
    isRotating: (arn) => runner.isRotating(arn),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const interval = options.schedulerIntervalMs ?? 60_000;
  if (interval > 0) scheduler.start(interval);
  return {
    url,
    secretsManager,
    runner,
    scheduler,
    invoker,
    async close() {
      scheduler.close();
      await runner.close();
      await invoker.close();
      await secretsManager.close();
    },
  };
}
