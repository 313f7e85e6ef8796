import { CurrentValueMissingError } from './errors.js';
import { readVersion, type StepRun } from './StepRun.js';

export async function testSecretStep<TValue>(run: StepRun<TValue>): Promise<void> {
  const pending = await readVersion(run, { stage: 'AWSPENDING', versionId: run.event.token });
  if (pending !== undefined) {
    await run.target.test(pending.value, run.context);
    run.context.logger.info('Pending value works', { target: run.target.name });
    return;
  }
  // A value-less pending version in testSecret is RotateSecret's configuration test
  // (RotateImmediately=false): prove the function can reach the target with what is current.
  const current = await readVersion(run, { stage: 'AWSCURRENT' });
  if (current === undefined) throw new CurrentValueMissingError(run.metadata.arn);
  await run.target.test(current.value, { ...run.context, label: 'AWSCURRENT' });
  run.context.logger.info('Configuration test passed: the current value works', { target: run.target.name });
}
