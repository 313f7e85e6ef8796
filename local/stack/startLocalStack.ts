import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_PATH, createConsole } from '../console/consoleRoutes.js';
import { secretLocations } from '../console/secretLocations.js';
import { assertBindable } from '../endpoint/hostGuard.js';
import { RequestQuotas } from '../endpoint/RequestQuotas.js';
import {
  dueRotations,
  reattemptRotation,
  startScheduledRotation,
  unfinishedRotations,
} from '../endpoint/rotationOperations.js';
import {
  type LocalSecretsManagerServer,
  startSecretsManagerServer,
} from '../endpoint/startSecretsManagerServer.js';
import {
  createFunctionInvoker,
  type FunctionInvoker,
  type FunctionInvokerOptions,
} from '../lambda/createFunctionInvoker.js';
import type { ReattemptPolicy } from '../runner/ReattemptPolicy.js';
import type { RetryPolicy } from '../runner/RetryPolicy.js';
import { RotationRunner } from '../runner/RotationRunner.js';
import { RotationScheduler } from '../runner/RotationScheduler.js';
import { invokeRotationFunction } from './invokeRotationFunction.js';
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
  /** The account in every ARN. Default LOCAL_ACCOUNT_ID. */
  readonly accountId?: string;
  /** `aws`: throttle at AWS's published request rates per Region (RequestQuotas). Default: none. */
  readonly quotas?: 'aws' | 'none';
  readonly retry?: RetryPolicy;
  /**
   * When a rotation whose attempts are used up is reattempted (checked with the scheduler, so not
   * at all while it is off). Default DEFAULT_REATTEMPT_POLICY.
   */
  readonly reattempt?: ReattemptPolicy;
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
  /** The web console's page (`<url>/_local/console`). */
  readonly consoleUrl: string;
  readonly secretsManager: LocalSecretsManagerServer;
  /** The request-rate quotas in force (`quotas: 'aws'`), with their throttle counts. */
  readonly quotas: RequestQuotas | undefined;
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
    environment: (name, region) => ({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
      SECRETS_MANAGER_ENDPOINT: url,
      AWS_REGION: region,
      POWERTOOLS_SERVICE_NAME: name,
      // The allow-lists and origins come from the caller (localFunctionEnvironment for `npm start`):
      // left unset, every list is empty and the functions use no master or admin secret.
      ...options.functionEnvironment?.(name),
    }),
  });
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const quotas = options.quotas === 'aws' ? new RequestQuotas() : undefined;
  const runner = new RotationRunner({
    invoker,
    region: LOCAL_REGION,
    accountId,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'rotations') }),
    ...(options.logSink === undefined ? {} : { logSink: options.logSink }),
  });
  // Set once the endpoint is up; the invoke route and the console need its secrets.
  let served: LocalSecretsManagerServer['store'] | undefined;
  const operatorConsole = createConsole({
    endpoint: () => url,
    secrets: () => (served === undefined ? [] : secretLocations(served)),
    runner,
    // A credential check runs the target's own test, configured as its function is.
    environment: (target) => ({ ...options.functionEnvironment?.(target) }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const secretsManager = await startSecretsManagerServer({
    port: options.port ?? 4566,
    host,
    ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
    ...(options.warn === undefined ? {} : { warn: options.warn }),
    region: LOCAL_REGION,
    accountId,
    ...(quotas === undefined ? {} : { quotas }),
    hooks: runner,
    onEvent: (_eventName, secretArn, versionId) => runner.publish('RotationAbandoned', secretArn, versionId),
    localRoutes: localRoutes(
      runner,
      async (request) =>
        served === undefined
          ? { status: 503, body: { __type: 'ServiceException', message: 'The local stack is starting.' } }
          : invokeRotationFunction(served, invoker, request),
      operatorConsole,
    ),
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'secrets') }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  url = secretsManager.url;
  const store = secretsManager.store;
  served = store;
  const scheduler = new RotationScheduler({
    rotations: {
      dueRotations: (now) => dueRotations(store, now),
      startScheduledRotation: (arn) => startScheduledRotation(store, arn),
    },
    isRotating: (arn) => runner.isRotating(arn),
    unfinished: {
      unfinishedRotations: () => unfinishedRotations(store),
      reattemptRotation: (arn, versionId) => reattemptRotation(store, arn, versionId),
      failedRuns: (arn, versionId) => runner.failedRuns(arn, versionId),
    },
    ...(options.reattempt === undefined ? {} : { reattempt: options.reattempt }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const interval = options.schedulerIntervalMs ?? 60_000;
  if (interval > 0) scheduler.start(interval);
  return {
    url,
    consoleUrl: `${url}${CONSOLE_PATH}`,
    secretsManager,
    quotas,
    runner,
    scheduler,
    invoker,
    async close() {
      scheduler.close();
      await runner.close();
      await invoker.close();
      operatorConsole.close();
      await secretsManager.close();
    },
  };
}
