import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { CLI_NAME, type Cli } from '../Cli.js';
import { CliError, EXIT } from '../CliError.js';
import { hasValue, readSecretState, versionWith } from '../SecretState.js';
import { checkBothCredentials } from '../verifyCredential.js';

export interface CancelOptions {
  readonly yes: boolean;
  /** Clear AWSPENDING even when neither credential can be shown to work. */
  readonly force: boolean;
  readonly target: string | undefined;
}

/**
 * Clears an abandoned AWSPENDING: the way to drop a pending version that must not be used (to
 * finish it instead, `rotate` resumes it). A pending version with a value may already be what the
 * target accepts (single-user Postgres after setSecret): then clearing it would drop the only
 * working credential, so both are checked first and the tool refuses.
 */
export async function cancelCommand(cli: Cli, secretId: string, options: CancelOptions): Promise<number> {
  const state = await readSecretState(cli.client, secretId);
  const current = versionWith(state, 'AWSCURRENT');
  const pending = versionWith(state, 'AWSPENDING');
  const id = JSON.stringify(state.name);
  if (pending === undefined || pending.versionId === current?.versionId) {
    cli.out(
      cli.json
        ? JSON.stringify({ secret: state.arn, cancelled: false, reason: 'nothing pending' })
        : `Nothing to cancel: ${state.name} has no pending rotation`,
    );
    return EXIT.ok;
  }

  let why = 'the pending version has no value';
  if (await hasValue(cli.client, state.arn, pending.versionId)) {
    const check = await checkBothCredentials(
      cli,
      state,
      current?.versionId,
      pending.versionId,
      options.target,
    );
    if (!check.current.works) {
      if (check.pending.works) {
        throw new CliError(
          `Refusing: AWSCURRENT no longer works (${check.current.reason}) but AWSPENDING does, so the target already ` +
            'uses the new credential and clearing AWSPENDING would drop the only working one. Finish the rotation instead: ' +
            `${CLI_NAME} rotate ${id} --wait (resumes it), or by hand: ` +
            `aws secretsmanager update-secret-version-stage --secret-id ${id} --version-stage AWSCURRENT ` +
            `--move-to-version-id ${pending.versionId}${current === undefined ? '' : ` --remove-from-version-id ${current.versionId}`}`,
          EXIT.refused,
        );
      }
      if (!options.force) {
        throw new CliError(
          `Refusing: neither AWSCURRENT (${check.current.reason}) nor AWSPENDING (${check.pending.reason}) works from ` +
            `here. Check from a host that reaches the target (${CLI_NAME} verify ${id}), or pass --force to clear AWSPENDING anyway.`,
          EXIT.refused,
        );
      }
      why = 'forced: neither credential could be verified';
    } else {
      why = `AWSCURRENT still works (${check.target} check)`;
    }
  }

  if (
    !options.yes &&
    !(await cli.confirm(`Remove AWSPENDING from version ${pending.versionId} of ${state.name} (${why})?`))
  ) {
    throw new CliError('Not confirmed: nothing changed (pass --yes to skip the question)', EXIT.refused);
  }
  await cli.client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: state.arn,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: pending.versionId,
    }),
  );
  if (cli.json)
    cli.out(
      JSON.stringify({ secret: state.arn, cancelled: true, versionId: pending.versionId, reason: why }),
    );
  else
    cli.out(
      `Cleared AWSPENDING from version ${pending.versionId} of ${state.name} (${why}). Rotations can start again.`,
    );
  return EXIT.ok;
}
