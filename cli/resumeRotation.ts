import { setTimeout as sleep } from 'node:timers/promises';
import { ROTATION_STEPS, type RotationStep } from '../shared/rotation/RotationEvent.js';
import { CLI_NAME, type Cli } from './Cli.js';
import { CliError, EXIT } from './CliError.js';
import { LocalInvokeError, type StepInvoker } from './invokeRotationStep.js';
import { readSecretState, type SecretState, versionWith } from './SecretState.js';

export interface ResumeOptions {
  /** Run the four steps again after a failure, until they succeed or `timeoutSeconds` pass. */
  readonly wait: boolean;
  readonly timeoutSeconds: number;
}

/** Wait before the second run; doubled after each failed run, up to 30 s. */
const FIRST_RETRY_DELAY_MS = 2_000;

interface StepFailure {
  readonly step: RotationStep;
  readonly type: string;
  readonly message: string;
}

async function invoke(
  invoker: StepInvoker,
  functionArn: string,
  event: Parameters<StepInvoker['invoke']>[1],
): Promise<Awaited<ReturnType<StepInvoker['invoke']>>> {
  try {
    return await invoker.invoke(functionArn, event);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (name === 'AccessDeniedException')
      throw new CliError(
        `Invoking ${functionArn} was refused (AccessDeniedException): resuming a rotation needs ` +
          'lambda:InvokeFunction on its rotation function (the stack output OperatorPolicyArn grants it).',
        EXIT.refused,
      );
    if (error instanceof LocalInvokeError)
      throw new CliError(`The local stack refused the invocation: ${error.message}`, EXIT.failed);
    throw error;
  }
}

/** The four steps in order with the pending version's token; stops at the first failure. */
async function runSteps(
  cli: Cli,
  invoker: StepInvoker,
  state: SecretState,
  functionArn: string,
  versionId: string,
): Promise<StepFailure | undefined> {
  for (const step of ROTATION_STEPS) {
    const outcome = await invoke(invoker, functionArn, {
      Step: step,
      SecretId: state.arn,
      ClientRequestToken: versionId,
    });
    if (!outcome.ok) {
      cli.progress(`${step} failed: ${outcome.errorType}: ${outcome.errorMessage}`);
      return { step, type: outcome.errorType, message: outcome.errorMessage };
    }
    cli.progress(`${step} succeeded`);
  }
  return undefined;
}

function report(cli: Cli, state: SecretState, versionId: string, runs: number, failure?: string): number {
  if (cli.json)
    cli.out(
      JSON.stringify({
        secret: state.arn,
        versionId,
        resumed: true,
        runs,
        status: failure === undefined ? 'succeeded' : 'failed',
        ...(failure === undefined ? {} : { reason: failure }),
      }),
    );
  else if (failure === undefined)
    cli.out(`Rotation of ${state.name} resumed and finished: version ${versionId} is AWSCURRENT`);
  else cli.out(`Rotation ${versionId} of ${state.name} could not be resumed: ${failure}`);
  return failure === undefined ? EXIT.ok : EXIT.failed;
}

/**
 * Resumes an unfinished rotation where RotateSecret refuses to start one: invokes the secret's
 * rotation function with createSecret, setSecret, testSecret and finishSecret and the pending
 * version's token, in order, as Secrets Manager does. Every step is idempotent (a finished one
 * returns at once), so this is safe whatever step the rotation stopped at, and even while Secrets
 * Manager reattempts it at the same time. With `wait`, a failed run is retried from createSecret.
 */
export async function resumeRotation(
  cli: Cli,
  state: SecretState,
  versionId: string,
  options: ResumeOptions,
): Promise<number> {
  const functionArn = state.rotationFunctionArn;
  const id = JSON.stringify(state.name);
  if (!state.rotationEnabled || functionArn === undefined) {
    throw new CliError(
      `Rotation of ${state.name} is turned off, and its rotation function refuses every step while it is. ` +
        `Drop the pending version first (${CLI_NAME} cancel ${id}), then start a new rotation.`,
      EXIT.refused,
    );
  }
  const invoker = await cli.stepInvoker();
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let delay = FIRST_RETRY_DELAY_MS;
  for (let run = 1; ; run++) {
    cli.progress(`resuming the rotation of version ${versionId} with ${functionArn.split(':').at(-1)}`);
    const failed = await runSteps(cli, invoker, state, functionArn, versionId);
    const after = await readSecretState(cli.client, state.arn);
    if (versionWith(after, 'AWSCURRENT')?.versionId === versionId) {
      cli.progress('AWSCURRENT moved to the resumed version');
      return report(cli, state, versionId, run);
    }
    if (versionWith(after, 'AWSPENDING')?.versionId !== versionId)
      return report(cli, state, versionId, run, 'AWSPENDING was removed from the version meanwhile');
    const reason =
      failed === undefined
        ? 'every step succeeded but AWSCURRENT is not on the version'
        : `${failed.step} failed: ${failed.type}: ${failed.message}`;
    if (!options.wait || Date.now() + delay > deadline) {
      const hint = options.wait ? ` (gave up after ${options.timeoutSeconds} s)` : '; --wait retries it';
      return report(cli, state, versionId, run, `${reason}${hint}`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}
