import type { Cli } from '../Cli.js';
import { CliError, EXIT } from '../CliError.js';
import { type CancelCheckOptions, clearPending, planCancel } from '../planCancel.js';

export interface CancelOptions extends CancelCheckOptions {
  readonly yes: boolean;
}

/**
 * Clears an abandoned AWSPENDING: the way to drop a pending version that must not be used (to
 * finish it instead, `rotate` resumes it). planCancel refuses when that would drop the credential
 * the target now uses; what it allows is still confirmed unless `yes`.
 */
export async function cancelCommand(cli: Cli, secretId: string, options: CancelOptions): Promise<number> {
  const plan = await planCancel(cli, secretId, options);
  const { state } = plan;
  if (!plan.clear) {
    cli.out(
      cli.json
        ? JSON.stringify({ secret: state.arn, cancelled: false, reason: 'nothing pending' })
        : `Nothing to cancel: ${state.name} has no pending rotation`,
    );
    return EXIT.ok;
  }
  if (
    !options.yes &&
    !(await cli.confirm(`Remove AWSPENDING from version ${plan.versionId} of ${state.name} (${plan.why})?`))
  ) {
    throw new CliError('Not confirmed: nothing changed (pass --yes to skip the question)', EXIT.refused);
  }
  await clearPending(cli, plan);
  if (cli.json)
    cli.out(
      JSON.stringify({ secret: state.arn, cancelled: true, versionId: plan.versionId, reason: plan.why }),
    );
  else
    cli.out(
      `Cleared AWSPENDING from version ${plan.versionId} of ${state.name} (${plan.why}). Rotations can start again.`,
    );
  return EXIT.ok;
}
