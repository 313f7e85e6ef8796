import { CurrentValueMissingError, PendingValueMissingError } from './errors.js';
import { lazyValues, readVersion, type StepRun } from './StepRun.js';

export async function setSecretStep<TValue>(run: StepRun<TValue>): Promise<void> {
  const pending = await readVersion(run, { stage: 'AWSPENDING', versionId: run.event.token });
  if (pending === undefined) throw new PendingValueMissingError(run.metadata.arn, run.event.token);
  const values = lazyValues(run, () => new CurrentValueMissingError(run.metadata.arn));
  await run.target.set(pending.value, values, run.context);
  run.context.logger.info('Target accepts the pending value', { target: run.target.name });
}
