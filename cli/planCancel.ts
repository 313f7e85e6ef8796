import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { CLI_NAME, type Cli } from './Cli.js';
import { CliError, EXIT } from './CliError.js';
import { hasValue, readSecretState, type SecretState, versionWith } from './SecretState.js';
import { checkBothCredentials } from './verifyCredential.js';

export interface CancelCheckOptions {
  /** Clear AWSPENDING even when neither credential can be shown to work. */
  readonly force: boolean;
  readonly target: string | undefined;
}

/** What cancelling would do: nothing (no pending rotation), or clear AWSPENDING from one version, and why that is safe. */
export type CancelPlan =
  | { readonly clear: false; readonly state: SecretState }
  | { readonly clear: true; readonly state: SecretState; readonly versionId: string; readonly why: string };

/**
 * Decides whether an abandoned AWSPENDING can be cleared; shared by `cancel` and the local stack's
 * console. A pending version with a value may already be what the target accepts (single-user
 * Postgres after setSecret): then clearing it would drop the only working credential, so both are
 * checked first and this throws a refusal (CliError, EXIT.refused) instead of a plan.
 */
export async function planCancel(
  context: Pick<Cli, 'client' | 'endpoint' | 'environment'>,
  secretId: string,
  options: CancelCheckOptions,
): Promise<CancelPlan> {
  const state = await readSecretState(context.client, secretId);
  const current = versionWith(state, 'AWSCURRENT');
  const pending = versionWith(state, 'AWSPENDING');
  const id = JSON.stringify(state.name);
  if (pending === undefined || pending.versionId === current?.versionId) return { clear: false, state };

  let why = 'the pending version has no value';
  if (await hasValue(context.client, state.arn, pending.versionId)) {
    const check = await checkBothCredentials(
      context,
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
  return { clear: true, state, versionId: pending.versionId, why };
}

/** Carries out a plan that clears: AWSPENDING off the pending version, which must still hold it. */
export async function clearPending(
  context: Pick<Cli, 'client'>,
  plan: Extract<CancelPlan, { clear: true }>,
): Promise<void> {
  await context.client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: plan.state.arn,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: plan.versionId,
    }),
  );
}
