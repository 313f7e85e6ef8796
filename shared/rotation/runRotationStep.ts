import type { Logger } from '@aws-lambda-powertools/logger';
import { ReadAheadStore } from '../secrets/ReadAheadStore.js';
import type { SecretStore } from '../secrets/SecretStore.js';
import { checkPreamble } from './checkPreamble.js';
import { createSecretStep } from './createSecretStep.js';
import { finishSecretStep } from './finishSecretStep.js';
import { RelatedSecretHints } from './RelatedSecretHints.js';
import { ROTATION_STEPS, type RotationEvent } from './RotationEvent.js';
import type { EarlyStart, RotationTarget } from './RotationTarget.js';
import { readAheadFor } from './readAheadFor.js';
import type { StepRun } from './StepRun.js';
import { setSecretStep } from './setSecretStep.js';
import { testSecretStep } from './testSecretStep.js';

export interface RotationDependencies<TValue> {
  /** A ReadAheadStore makes a step's independent reads concurrent; any other store reads one by one. */
  readonly store: SecretStore;
  readonly target: RotationTarget<TValue>;
  readonly logger: Logger;
  /** Learned across invocations of this container. Default: one per target. */
  readonly hints?: RelatedSecretHints;
}

/** What a step did that its caller reports: whether this invocation moved AWSCURRENT, ending the rotation. */
export interface StepResult {
  readonly completedRotation: boolean;
}

/**
 * The one rotation state machine: preamble, then the step. `functionArn` is this function's ARN as
 * Lambda invoked it, so targets can refuse secrets this very function rotates as privileged ones.
 */
export async function runRotationStep<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
  functionArn?: string,
): Promise<StepResult> {
  const { store } = deps;
  const withHints = { ...deps, hints: deps.hints ?? RelatedSecretHints.of(deps.target) };
  if (!(store instanceof ReadAheadStore)) return runStep(event, withHints, undefined, functionArn);
  // Reading in turn (ROTATION_READ_AHEAD=false) starts nothing early either.
  if (!store.enabled) return store.run(() => runStep(event, withHints, store, functionArn));
  return store.run(() => withHeadStart(event, withHints, store, functionArn));
}

/**
 * Starts the step's reads and lets the target start early what needs none of their values, then runs
 * the step and drops whatever of that head start the step did not use.
 */
async function withHeadStart<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
  readAhead: ReadAheadStore,
  functionArn: string | undefined,
): Promise<StepResult> {
  readAheadFor(event, deps.target, deps.hints, readAhead);
  // What this secret's own values named, once the container has seen one; before that, what the
  // function's configuration names.
  const related =
    deps.hints?.known(event.secretId, event.step) ??
    deps.target.relatedSecrets?.(event.step, undefined) ??
    [];
  let earlyStart: EarlyStart | undefined;
  try {
    earlyStart = deps.target.startEarly?.(
      event.step,
      related.map((read) => read.secretId),
    );
  } catch (error) {
    // Only a head start is lost: the step does all its work itself.
    deps.logger.warn('Could not start early; the step goes on without a head start', {
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
  try {
    return await runStep(event, deps, readAhead, functionArn, earlyStart);
  } finally {
    earlyStart?.drop();
  }
}

async function runStep<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
  readAhead: ReadAheadStore | undefined,
  functionArn: string | undefined,
  earlyStart?: EarlyStart,
): Promise<StepResult> {
  const metadata = await deps.store.describe(event.secretId);
  readAhead?.alias(metadata.arn, event.secretId);
  deps.logger.appendKeys({ secretArn: metadata.arn });
  const outcome = checkPreamble(metadata, event.token);
  const { target, hints } = deps;
  const run: StepRun<TValue> = {
    event,
    metadata,
    store: deps.store,
    target,
    context: {
      secretArn: metadata.arn,
      versionId: event.token,
      logger: deps.logger,
      functionArn,
      earlyStart,
    },
    ...(hints === undefined || target.relatedSecrets === undefined
      ? {}
      : {
          onParsed: (value: TValue) =>
            hints.learn(
              [event.secretId, metadata.arn],
              new Map(ROTATION_STEPS.map((step) => [step, target.relatedSecrets?.(step, value) ?? []])),
            ),
        }),
  };
  const notCompleted: StepResult = { completedRotation: false };
  if (outcome === 'alreadyCurrent' && event.step !== 'finishSecret') {
    deps.logger.info('Version is already AWSCURRENT; nothing to do');
    return notCompleted;
  }
  switch (event.step) {
    case 'createSecret':
      await createSecretStep(run);
      return notCompleted;
    case 'setSecret':
      await setSecretStep(run);
      return notCompleted;
    case 'testSecret':
      await testSecretStep(run);
      return notCompleted;
    case 'finishSecret':
      await finishSecretStep(run, outcome);
      // A retried finishSecret that finds the move done does not end the rotation a second time.
      return { completedRotation: outcome === 'rotate' };
    default: {
      const unreachable: never = event.step;
      throw new Error(`Unhandled rotation step ${String(unreachable)}`);
    }
  }
}
