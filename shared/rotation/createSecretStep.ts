import { CurrentValueMissingError, PendingValueConflictError } from './errors.js';
import { readVersion, type StepRun } from './StepRun.js';

/**
 * Stages a new value as AWSPENDING under the token. Once a value is stored for the token it is
 * reused forever: generating a second one would hand the target a value nobody stored.
 */
export async function createSecretStep<TValue>(run: StepRun<TValue>): Promise<void> {
  const { event, metadata, store, target, context } = run;
  const existing = await readVersion(run, { stage: 'AWSPENDING', versionId: event.token });
  if (existing !== undefined) {
    context.logger.info('Pending value already stored for this version; reusing it');
    return;
  }
  const current = await readVersion(run, { stage: 'AWSCURRENT' });
  if (current === undefined) throw new CurrentValueMissingError(metadata.arn);

  const generated = await target.generate(current.value, context);
  const serialized = target.serialize(generated);
  try {
    await store.putPending(metadata.arn, event.token, serialized, event.rotationToken);
  } catch (putError) {
    // The call may have failed after Secrets Manager stored the value (a lost response), so
    // only what is really stored decides whether our value lives on or must be discarded.
    const stored = await store.getValue(metadata.arn, { versionId: event.token, stage: 'AWSPENDING' });
    if (stored?.value === serialized) {
      context.logger.info('Pending value stored although the call reported an error');
      return;
    }
    await discardQuietly(run, generated);
    if (stored !== undefined) throw new PendingValueConflictError(metadata.arn, event.token);
    throw putError;
  }
  context.logger.info('Pending value stored', { target: target.name });
}

async function discardQuietly<TValue>(run: StepRun<TValue>, generated: TValue): Promise<void> {
  if (run.target.discard === undefined) return;
  try {
    await run.target.discard(generated, run.context);
    run.context.logger.info('Discarded the value that could not be stored');
  } catch (error) {
    run.context.logger.error('Could not discard the value that could not be stored', error as Error);
  }
}
