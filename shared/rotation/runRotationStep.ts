import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretStore } from '../secrets/SecretStore.js';
import { checkPreamble } from './checkPreamble.js';
import { createSecretStep } from './createSecretStep.js';
import { finishSecretStep } from './finishSecretStep.js';
import type { RotationEvent } from './RotationEvent.js';
import type { RotationTarget } from './RotationTarget.js';
import type { StepRun } from './StepRun.js';
import { setSecretStep } from './setSecretStep.js';
import { testSecretStep } from './testSecretStep.js';

export interface RotationDependencies<TValue> {
  readonly store: SecretStore;
  readonly target: RotationTarget<TValue>;
  readonly logger: Logger;
}

/** The one rotation state machine: preamble, then the step. */
export async function runRotationStep<TValue>(
  event: RotationEvent,
  deps: RotationDependencies<TValue>,
): Promise<void> {
  const metadata = await deps.store.describe(event.secretId);
  deps.logger.appendKeys({ secretArn: metadata.arn });
  const outcome = checkPreamble(metadata, event.token);
  const run: StepRun<TValue> = {
    event,
    metadata,
    store: deps.store,
    target: deps.target,
    context: { secretArn: metadata.arn, versionId: event.token, logger: deps.logger },
  };
  if (outcome === 'alreadyCurrent' && event.step !== 'finishSecret') {
    deps.logger.info('Version is already AWSCURRENT; nothing to do');
    return;
  }
  switch (event.step) {
    case 'createSecret':
      return createSecretStep(run);
    case 'setSecret':
      return setSecretStep(run);
    case 'testSecret':
      return testSecretStep(run);
    case 'finishSecret':
      return finishSecretStep(run, outcome);
    default: {
      const unreachable: never = event.step;
      throw new Error(`Unhandled rotation step ${String(unreachable)}`);
    }
  }
}
