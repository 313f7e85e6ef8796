import type { FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import type { ReattemptPolicy } from '../../../local/runner/ReattemptPolicy.js';
import type { RetryPolicy } from '../../../local/runner/RetryPolicy.js';
import { type FaultLanes, startFaultLanes } from '../faultMatrix/startFaultLanes.js';

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

export type HealingLanes = FaultLanes;

/**
 * The fault matrix's four lanes (each function behind its own fault proxies) on a stack that
 * heals as Secrets Manager does: retries within a run, and reattempts of runs that used up their
 * attempts, checked by the scheduler.
 */
export function startHealingLanes(options: HealingLaneOptions): Promise<HealingLanes> {
  return startFaultLanes({
    ...(options.functionEnvironment === undefined
      ? {}
      : { functionEnvironment: options.functionEnvironment }),
    stack: {
      retry: options.retry,
      reattempt: options.reattempt,
      schedulerIntervalMs: options.schedulerIntervalMs,
      functionTimeoutMs: options.functionTimeoutMs ?? 20_000,
      ...(options.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrency: options.reservedConcurrency }),
    },
    wrapInvoker: (inner, lane): FunctionInvoker => ({
      async invoke(functionName, event, functionArn) {
        options.onInvoke?.(functionName, event as { SecretId: string; Step: string });
        try {
          return await inner.invoke(functionName, event, functionArn);
        } finally {
          // A retried call is a new call for the plan (an `error` fails every retry of one call).
          lane(functionName)?.plan.endInvocation();
        }
      },
      output: (functionName) => inner.output(functionName),
      kill: (functionName) => inner.kill(functionName),
      close: () => inner.close(),
    }),
  });
}
