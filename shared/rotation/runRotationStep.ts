import type { Logger } from '@aws-lambda-powertools/logger';
import { ReadAheadStore } from '../secrets/ReadAheadStore.js';
import type { SecretStore, VersionSelector } from '../secrets/SecretStore.js';
import { checkPreamble } from './checkPreamble.js';
import { createSecretStep } from './createSecretStep.js';
import { finishSecretStep } from './finishSecretStep.js';
import { RelatedSecretHints } from './RelatedSecretHints.js';
import { ROTATION_STEPS, type RotationEvent, type RotationStep } from './RotationEvent.js';
import type { RelatedSecretRead, RotationTarget } from './RotationTarget.js';
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

const hintsByTarget = new WeakMap<object, RelatedSecretHints>();

function hintsFor(target: object): RelatedSecretHints {
  let hints = hintsByTarget.get(target);
  if (hints === undefined) {
    hints = new RelatedSecretHints();
    hintsByTarget.set(target, hints);
  }
  return hints;
}

/** What a step did that its caller reports: whether this invocation moved AWSCURRENT, ending the rotation. */
export interface StepResult {
  readonly completedRotation: boolean;
}

/** The one rotation state machine: preamble, then the step. */
export async function runRotationStep<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
): Promise<StepResult> {
  const { store } = deps;
  const withHints = { ...deps, hints: deps.hints ?? hintsFor(deps.target) };
  if (!(store instanceof ReadAheadStore)) return runStep(event, withHints, undefined);
  return store.run(() => runStep(event, withHints, store));
}

async function runStep<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
  readAhead: ReadAheadStore | undefined,
): Promise<StepResult> {
  if (readAhead !== undefined) readAheadFor(event, deps, readAhead);
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
    context: { secretArn: metadata.arn, versionId: event.token, logger: deps.logger },
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

/**
 * Starts, alongside DescribeSecret, every read the step will make in the usual case. The step still
 * reads through the store in its own order and after its own checks; a read it never asks for
 * (the preamble refused, or the value was already there) is dropped unused.
 */
function readAheadFor<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
  readAhead: ReadAheadStore,
): void {
  readAhead.prefetchDescribe(event.secretId);
  for (const selector of ownReads(event.step, event.token, deps.target)) {
    readAhead.prefetchValue(event.secretId, selector);
  }
  const related = new Map<string, RelatedSecretRead>();
  const hinted = [
    ...(deps.target.relatedSecrets?.(event.step, undefined) ?? []),
    ...(deps.hints?.for(event.secretId, event.step) ?? []),
  ];
  for (const read of hinted) {
    const known = related.get(read.secretId);
    related.set(read.secretId, {
      secretId: read.secretId,
      describe: read.describe || known?.describe === true,
    });
  }
  for (const read of related.values()) {
    if (read.describe) readAhead.prefetchDescribe(read.secretId);
    readAhead.prefetchValue(read.secretId, { stage: 'AWSCURRENT' });
  }
}

function ownReads<TValue>(
  step: RotationStep,
  token: string,
  target: RotationTarget<TValue>,
): VersionSelector[] {
  const pending: VersionSelector = { stage: 'AWSPENDING', versionId: token };
  switch (step) {
    case 'createSecret':
      return [pending, { stage: 'AWSCURRENT' }];
    case 'setSecret':
      return [
        pending,
        ...(target.setReads?.includes('current') ? [{ stage: 'AWSCURRENT' } as const] : []),
        ...(target.setReads?.includes('previous') ? [{ stage: 'AWSPREVIOUS' } as const] : []),
      ];
    case 'testSecret':
      return [pending];
    case 'finishSecret':
      // The token's value and the one AWSCURRENT moves from, which the after-finish hook reads by id.
      return target.afterFinish === undefined ? [] : [pending, { stage: 'AWSCURRENT' }];
  }
}
