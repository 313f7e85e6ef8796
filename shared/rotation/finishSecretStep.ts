import { STAGE, versionWithStage } from '../secrets/SecretMetadata.js';
import type { PreambleOutcome } from './checkPreamble.js';
import { CurrentValueMissingError } from './errors.js';
import { lazyValues, type StepRun } from './StepRun.js';

/**
 * Moves AWSCURRENT to the token. The after-finish hook also runs when the move already happened,
 * because a crash between the move and the hook must not leave the hook's work undone forever.
 */
export async function finishSecretStep<TValue>(
  run: StepRun<TValue>,
  outcome: PreambleOutcome,
): Promise<void> {
  const { event, metadata, store, context } = run;
  if (outcome === 'rotate') {
    const from = versionWithStage(metadata, STAGE.current);
    await store.moveCurrent(metadata.arn, event.token, from);
    context.logger.info('AWSCURRENT moved to the new version', { previousVersionId: from });
  }
  if (run.target.afterFinish !== undefined) {
    await run.target.afterFinish(
      lazyValues(run, () => new CurrentValueMissingError(metadata.arn)),
      context,
    );
  }
}
