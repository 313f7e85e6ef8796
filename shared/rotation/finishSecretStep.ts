import { STAGE, versionWithStage } from '../secrets/SecretMetadata.js';
import type { PreambleOutcome } from './checkPreamble.js';
import { CurrentValueMissingError } from './errors.js';
import { lazyValues, type StepRun } from './StepRun.js';

/**
 * Moves AWSCURRENT to the token. The after-finish hook also runs when the move already happened,
 * because a crash between the move and the hook must not leave the hook's work undone forever.
 * The hook's values are named by version id (the token's, and the one AWSCURRENT moves from, which
 * becomes AWSPREVIOUS), so reads made before the move serve it.
 */
export async function finishSecretStep<TValue>(
  run: StepRun<TValue>,
  outcome: PreambleOutcome,
): Promise<void> {
  const { event, metadata, store, context } = run;
  const from = outcome === 'rotate' ? versionWithStage(metadata, STAGE.current) : undefined;
  if (outcome === 'rotate') {
    await store.moveCurrent(metadata.arn, event.token, from);
    context.logger.info('AWSCURRENT moved to the new version', { previousVersionId: from });
  }
  if (run.target.afterFinish !== undefined) {
    const previousVersion = from ?? versionWithStage(metadata, STAGE.previous);
    await run.target.afterFinish(
      lazyValues(run, () => new CurrentValueMissingError(metadata.arn), {
        current: { versionId: event.token },
        previous: previousVersion === undefined ? { stage: STAGE.previous } : { versionId: previousVersion },
      }),
      context,
    );
  }
}
