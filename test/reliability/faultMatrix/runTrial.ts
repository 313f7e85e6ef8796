import { setTimeout as sleep } from 'node:timers/promises';
import { RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import type { RotationRunner } from '../../../local/runner/RotationRunner.js';
import type { FaultHit, FaultKind } from '../../../testing/faults/FaultPlan.js';
import type { FaultLane, TrialSubject } from './FaultLane.js';

export interface TrialResult {
  /** The secret rotated in this trial. */
  readonly arn: string;
  readonly fault?: { readonly index: number; readonly kind: FaultKind };
  /** Where the fault was injected; absent when the rotation never made that call. */
  readonly hit?: FaultHit;
  /** The calls the function made, in order (labels only). */
  readonly calls: readonly string[];
  /** Where each invocation began in `calls`, with its step. */
  readonly invocations: readonly { readonly step: string; readonly firstCall: number }[];
  readonly converged: boolean;
  readonly attempts: number;
  readonly violations: readonly string[];
  /** How many times the every-moment invariants were checked during the rotation. */
  readonly checks: number;
  /** The rotation's last error type, when it did not converge. */
  readonly error?: string;
}

/** Trials in progress by secret ARN, so the checking invoker finds their invariants. */
export const activeTrials = new Map<string, ActiveTrial>();

interface ActiveTrial {
  readonly lane: FaultLane;
  readonly subject: TrialSubject;
  readonly violations: Set<string>;
  readonly invocations: { readonly step: string; readonly firstCall: number }[];
  checks: number;
  /** The rotation's version, once RotateSecret answered. */
  versionId?: string;
}

/** Between invocations too: the invariants are polled this often while a rotation runs. */
const POLL_MS = 100;

async function check(trial: ActiveTrial): Promise<void> {
  try {
    for (const violation of await trial.subject.during(trial.versionId)) trial.violations.add(violation);
  } catch (error) {
    // A check that cannot run is not a pass.
    trial.violations.add(`invariant check failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
  trial.checks += 1;
}

/** After every invocation: a retried call is a new call, and the every-moment invariants must hold. */
async function checkAfterInvocation(secretArn: string): Promise<void> {
  const trial = activeTrials.get(secretArn);
  if (trial === undefined) return;
  trial.lane.plan.endInvocation();
  await check(trial);
}

/**
 * The stack's invoker, checking the trial's invariants after every invocation and before the
 * runner goes on with the next step, whether the invocation succeeded or not.
 */
export function checkingInvoker(inner: FunctionInvoker): FunctionInvoker {
  return {
    async invoke(functionName, event, functionArn) {
      const { SecretId, Step } = event as { readonly SecretId: string; readonly Step: string };
      const trial = activeTrials.get(SecretId);
      trial?.invocations.push({ step: Step, firstCall: trial.lane.plan.calls.length });
      try {
        return await inner.invoke(functionName, event, functionArn);
      } finally {
        await checkAfterInvocation((event as { readonly SecretId: string }).SecretId);
      }
    },
    output: (functionName) => inner.output(functionName),
    kill: (functionName) => inner.kill(functionName),
    close: () => inner.close(),
  };
}

/**
 * One rotation started with RotateSecret, as an operator or the schedule would, with the fault
 * armed; the local runner retries it from createSecret as Secrets Manager does.
 */
export async function runTrial(
  context: { readonly client: SecretsManagerClient; readonly runner: RotationRunner },
  lane: FaultLane,
  name: string,
  fault?: { readonly index: number; readonly kind: FaultKind },
): Promise<TrialResult> {
  const subject = await lane.subject(name);
  const trial: ActiveTrial = { lane, subject, violations: new Set(), invocations: [], checks: 0 };
  activeTrials.set(subject.arn, trial);
  lane.plan.arm(fault);
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await sleep(POLL_MS);
      if (polling) await check(trial);
    }
  })();
  try {
    const out = await context.client.send(
      new RotateSecretCommand({
        SecretId: subject.arn,
        RotationLambdaARN: `arn:aws:lambda:us-east-1:000000000000:function:${lane.functionName}`,
        RotateImmediately: true,
      }),
    );
    const versionId = out.VersionId ?? '';
    trial.versionId = versionId;
    let error: string | undefined;
    await context.runner.waitForRotation(subject.arn, versionId, 180_000).catch(() => {
      error = context.runner.rotations(subject.arn).at(-1)?.error?.type ?? 'timeout';
    });
    polling = false;
    await poller;
    const calls = [...lane.plan.calls];
    const hit = lane.plan.hit;
    lane.plan.arm();
    const violations = [...trial.violations, ...(error === undefined ? await subject.after(versionId) : [])];
    return {
      arn: subject.arn,
      ...(fault === undefined ? {} : { fault }),
      ...(hit === undefined ? {} : { hit }),
      calls,
      invocations: [...trial.invocations],
      converged: error === undefined,
      attempts: context.runner.rotations(subject.arn).at(-1)?.attempts ?? 0,
      violations,
      checks: trial.checks,
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    polling = false;
    await poller;
    activeTrials.delete(subject.arn);
  }
}
