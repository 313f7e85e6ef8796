import { createFunctionInvoker, type FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import type { LocalStackOptions } from '../../../local/stack/startLocalStack.js';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';
import { startTestTokenService } from '../../support/startTestTokenService.js';
import { apiTokenLane, type LaneServices, postgresLane, randomValueLane } from './createLanes.js';
import type { FaultLane } from './FaultLane.js';
import { checkingInvoker } from './runTrial.js';

export const LANE_FUNCTIONS = [
  'random-value',
  'api-token',
  'postgres-single-user',
  'postgres-alternating-users',
] as const;

export interface FaultLanes {
  readonly env: TestStack;
  readonly postgres: TestPostgres;
  readonly tokens: TokenService;
  readonly services: LaneServices;
  /** Every token the service issued, revoked ones included, for leak scans. */
  readonly issuedTokens: readonly string[];
  lane(functionName: string): FaultLane;
  close(): Promise<void>;
}

export interface FaultLaneOptions {
  /** Extra environment for every function (client timeouts). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** How the stack retries, reattempts and schedules; the fault matrix's own defaults otherwise. */
  readonly stack?: Pick<
    LocalStackOptions,
    'retry' | 'reattempt' | 'schedulerIntervalMs' | 'functionTimeoutMs' | 'reservedConcurrency'
  >;
  /**
   * Wraps the stack's invoker; `lane` finds a function's lane. Default: the fault matrix's
   * invariant checks after every invocation.
   */
  readonly wrapInvoker?: (
    inner: FunctionInvoker,
    lane: (functionName: string) => FaultLane | undefined,
  ) => FunctionInvoker;
}

/**
 * A Postgres, a token service and the local stack, with each of the four built functions behind
 * its own fault proxies.
 */
export async function startFaultLanes(options: FaultLaneOptions = {}): Promise<FaultLanes> {
  const postgres = await startTestPostgres();
  const issuedTokens: string[] = [];
  const tokens = await startTestTokenService({ onIssue: (t) => issuedTokens.push(t.token) });
  const lanes = new Map<string, FaultLane & { readonly secretsManagerProxy: { readonly url: string } }>();
  const wrap = options.wrapInvoker ?? ((inner) => checkingInvoker(inner));
  const env = await startTestStack({
    retry: { maxAttempts: 4, baseDelayMs: 10 },
    functionTimeoutMs: 20_000,
    ...options.stack,
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
    createInvoker: (invokerOptions) => wrap(createFunctionInvoker(invokerOptions), (name) => lanes.get(name)),
  });
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
