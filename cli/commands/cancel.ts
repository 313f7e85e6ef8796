import { GetSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { CLI_NAME, type Cli } from '../Cli.js';
import { CliError, EXIT } from '../CliError.js';
import { hasValue, readSecretState, versionWith } from '../SecretState.js';
import { targetFor, verifyCredential } from '../verifyCredential.js';

export interface CancelOptions {
  readonly yes: boolean;
  /** Clear AWSPENDING even when neither credential can be shown to work. */
  readonly force: boolean;
  readonly target: string | undefined;
}

/**
 * Clears an abandoned AWSPENDING. A pending version with a value may already be what the target
 * accepts (single-user Postgres after setSecret): then clearing it would drop the only working
 * credential, so both are checked first and the tool refuses.
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
    const read = async (versionId: string) =>
      (await cli.client.send(new GetSecretValueCommand({ SecretId: state.arn, VersionId: versionId })))
        .SecretString ?? '';
    const currentValue = current === undefined ? '' : await read(current.versionId);
    const target = options.target ?? targetFor(state.rotationFunctionArn, currentValue);
    const currentVerdict =
      current === undefined
        ? { works: false, reason: 'no AWSCURRENT version' }
        : await verifyCredential(cli, target, state.arn, current.versionId, currentValue);
    if (!currentVerdict.works) {
      const pendingVerdict = await verifyCredential(
        cli,
        target,
        state.arn,
        pending.versionId,
        await read(pending.versionId),
      );
      if (pendingVerdict.works) {
        throw new CliError(
          `Refusing: AWSCURRENT no longer works (${currentVerdict.reason}) but AWSPENDING does, so the target already ` +
            'uses the new credential and clearing AWSPENDING would drop the only working one. Finish the rotation instead: ' +
            `aws secretsmanager update-secret-version-stage --secret-id ${id} --version-stage AWSCURRENT ` +
            `--move-to-version-id ${pending.versionId}${current === undefined ? '' : ` --remove-from-version-id ${current.versionId}`}`,
          EXIT.refused,
        );
      }
      if (!options.force) {
        throw new CliError(
          `Refusing: neither AWSCURRENT (${currentVerdict.reason}) nor AWSPENDING (${pendingVerdict.reason}) works from ` +
            `here. Check from a host that reaches the target (${CLI_NAME} verify ${id}), or pass --force to clear AWSPENDING anyway.`,
          EXIT.refused,
        );
      }
      why = 'forced: neither credential could be verified';
    } else {
      why = `AWSCURRENT still works (${target} check)`;
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
