import { createFunctionInvoker, type FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import type { ReattemptPolicy } from '../../../local/runner/ReattemptPolicy.js';
import type { RetryPolicy } from '../../../local/runner/RetryPolicy.js';
import type { LocalStackOptions } from '../../../local/stack/startLocalStack.js';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';
import { startTestTokenService } from '../../support/startTestTokenService.js';
import {
  apiTokenLane,
  type LaneServices,
  postgresLane,
  randomValueLane,
} from '../faultMatrix/createLanes.js';
import type { FaultLane } from '../faultMatrix/FaultLane.js';
import { LANE_FUNCTIONS } from '../faultMatrix/startFaultLanes.js';

export interface HealingLaneOptions {
  readonly retry: RetryPolicy;
  readonly reattempt: ReattemptPolicy;
  /** How often due rotations and reattempts are checked. */
  readonly schedulerIntervalMs: number;
  readonly functionTimeoutMs?: number;
  readonly reservedConcurrency?: number;
  /** Extra environment for every function (client timeouts). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** Sees every step invocation as it starts, with the function's name. */
  readonly onInvoke?: (
    functionName: string,
    event: { readonly SecretId: string; readonly Step: string },
  ) => void;
}

export interface HealingLanes {
  readonly env: TestStack;
  readonly postgres: TestPostgres;
  readonly tokens: TokenService;
  readonly services: LaneServices;
  /** Every token the service issued, revoked ones included, for leak scans. */
  readonly issuedTokens: readonly string[];
  lane(functionName: string): FaultLane;
  close(): Promise<void>;
}

/**
 * The fault matrix's four lanes (each function behind its own fault proxies) on a stack that
 * heals as Secrets Manager does: retries within a run, and reattempts of runs that used up their
 * attempts, checked by the scheduler.
 */
export async function startHealingLanes(options: HealingLaneOptions): Promise<HealingLanes> {
  const postgres = await startTestPostgres();
  const issuedTokens: string[] = [];
  const tokens = await startTestTokenService({ onIssue: (t) => issuedTokens.push(t.token) });
  const lanes = new Map<string, FaultLane & { readonly secretsManagerProxy: { readonly url: string } }>();
  const watching = (inner: FunctionInvoker): FunctionInvoker => ({
    async invoke(functionName, event, functionArn) {
      options.onInvoke?.(functionName, event as { SecretId: string; Step: string });
      try {
        return await inner.invoke(functionName, event, functionArn);
      } finally {
        // A retried call is a new call for the plan (an `error` fails every retry of one call).
        lanes.get(functionName)?.plan.endInvocation();
      }
    },
    output: (functionName) => inner.output(functionName),
    kill: (functionName) => inner.kill(functionName),
    close: () => inner.close(),
  });
  const stackOptions: LocalStackOptions = {
    retry: options.retry,
    reattempt: options.reattempt,
    schedulerIntervalMs: options.schedulerIntervalMs,
    functionTimeoutMs: options.functionTimeoutMs ?? 20_000,
    ...(options.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrency: options.reservedConcurrency }),
    // Each function reaches Secrets Manager through its own fault proxy.
    functionEnvironment: (name) => {
      const url = lanes.get(name)?.secretsManagerProxy.url ?? '';
      return {
        PG_CA_FILE: postgres.caFile,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        SECRETS_MANAGER_ENDPOINT: url,
        ...options.functionEnvironment,
      };
    },
    createInvoker: (invokerOptions) => watching(createFunctionInvoker(invokerOptions)),
  };
  const env = await startTestStack(stackOptions);
  const services: LaneServices = { client: env.client, secretsManagerUrl: env.stack.url, postgres, tokens };
  for (const lane of [
    await randomValueLane(services),
    await apiTokenLane(services),
    await postgresLane(services, 'single-user'),
    await postgresLane(services, 'alternating-users'),
  ]) {
    lane.plan.kill = () => env.stack.invoker.kill(lane.functionName);
    lanes.set(lane.functionName, lane);
  }
  return {
    env,
    postgres,
    tokens,
    services,
    issuedTokens,
    lane(functionName) {
      const lane = lanes.get(functionName);
      if (lane === undefined)
        throw new Error(`no lane for ${functionName}; lanes: ${LANE_FUNCTIONS.join(', ')}`);
      return lane;
    },
    async close() {
      await env.close();
      for (const lane of lanes.values()) await lane.close();
      await tokens.close();
      await postgres.close();
    },
  };
}
