import { randomUUID } from 'node:crypto';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { clearPending, planCancel } from '../../cli/planCancel.js';
import type { StatusContext } from '../../cli/statusOf.js';
import { PendingVersionChangedError } from './errors.js';

/** What an action did, for the page to show. */
export interface ActionOutcome {
  readonly message: string;
  readonly versionId: string | null;
}

/** "Rotate now": RotateSecret with the secret's stored function and rules, as the AWS console does. */
export async function rotateNow(context: StatusContext, secretArn: string): Promise<ActionOutcome> {
  const out = await context.client.send(
    new RotateSecretCommand({ SecretId: secretArn, ClientRequestToken: randomUUID() }),
  );
  return { message: `Rotation started: version ${out.VersionId}`, versionId: out.VersionId ?? null };
}

/**
 * "Cancel": the CLI's safe cancel (planCancel) without --force, for the pending version the page
 * showed. A refusal (the target already uses the pending credential, or neither works) is the
 * CLI's CliError, with its message saying what to do instead.
 */
export async function cancelStuckRotation(
  context: StatusContext,
  secretArn: string,
  shownVersionId: string,
): Promise<ActionOutcome> {
  const plan = await planCancel(context, secretArn, { force: false, target: undefined });
  if (!plan.clear || plan.versionId !== shownVersionId)
    throw new PendingVersionChangedError(
      plan.state.name,
      shownVersionId,
      plan.clear ? plan.versionId : undefined,
    );
  await clearPending(context, plan);
  return {
    message: `Cleared AWSPENDING from version ${plan.versionId} (${plan.why}). Rotations can start again.`,
    versionId: plan.versionId,
  };
}
