import type { RotationStep } from '../../shared/rotation/RotationEvent.js';
import type { RotationRequest } from '../endpoint/RotationHooks.js';
import type { FunctionInvoker, InvocationResult } from '../lambda/createFunctionInvoker.js';
import type { RotationRecord } from './RotationRecord.js';

export interface StepFailure {
  readonly type: string;
  readonly message: string;
}

export interface StepRun {
  readonly invoker: FunctionInvoker;
  readonly clock: () => Date;
  readonly request: RotationRequest;
  /** Receives one step record per invocation. */
  readonly record: RotationRecord;
  readonly attempt: number;
  /** The same for every step of one attempt, as Secrets Manager sends it. */
  readonly rotationToken: string;
}

/** Invokes the rotation function for each step in order; stops at the first failure and returns it. */
export async function invokeSteps(
  run: StepRun,
  steps: readonly RotationStep[],
): Promise<StepFailure | undefined> {
  const { request, record, attempt } = run;
  const functionName = request.functionArn.split(':')[6] ?? '';
  for (const step of steps) {
    const startedAt = run.clock().toISOString();
    const started = performance.now();
    const event = {
      Step: step,
      SecretId: request.secretArn,
      ClientRequestToken: request.versionId,
      RotationToken: run.rotationToken,
    };
    let result: InvocationResult;
    try {
      result = await run.invoker.invoke(functionName, event, request.functionArn);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      result = { ok: false, errorType: err.name, errorMessage: err.message };
    }
    const durationMs = Math.round(performance.now() - started);
    if (result.ok) {
      record.steps.push({ step, attempt, startedAt, durationMs, outcome: 'succeeded' });
      continue;
    }
    record.steps.push({
      step,
      attempt,
      startedAt,
      durationMs,
      outcome: 'failed',
      errorType: result.errorType,
      errorMessage: result.errorMessage,
    });
    return { type: result.errorType, message: result.errorMessage };
  }
  return undefined;
}
