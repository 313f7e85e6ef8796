import { CLI_NAME, type Cli } from './Cli.js';
import { type CredentialCheck, type Diagnosis, diagnose } from './diagnose.js';
import { localRotations } from './localRotations.js';
import { hasValue, readSecretState, type SecretState } from './SecretState.js';
import { checkBothCredentials } from './verifyCredential.js';

/** `--stuck-after`'s default, in minutes: a pending version older than this is stuck, not in progress. */
export const DEFAULT_STUCK_AFTER_MINUTES = 30;

/** What reading a secret's status needs: the part of Cli that the local stack's console also has. */
export type StatusContext = Pick<Cli, 'client' | 'endpoint' | 'now' | 'environment'>;

export interface StatusReport {
  readonly state: SecretState;
  readonly diagnosis: Diagnosis;
  /** For a stuck secret with a pending value: which of the two credentials the target takes. */
  readonly credentials?: CredentialCheck;
}

/**
 * Reads the state and diagnoses it; shared by `status`, `list`, `rotate` and the local stack's
 * console. For a stuck secret whose pending version holds a value, both credentials are tried
 * against the target (a read-only test): a single-user rotation stopped after setSecret leaves
 * AWSCURRENT rejected. `checkCredentials` lets a caller that asks every second reuse a recent check.
 */
export async function statusOf(
  context: StatusContext,
  secretId: string,
  stuckAfterMinutes: number,
  checkCredentials: typeof checkBothCredentials = checkBothCredentials,
): Promise<StatusReport> {
  const state = await readSecretState(context.client, secretId);
  const current = state.versions.find((v) => v.stages.includes('AWSCURRENT'));
  const pending = state.versions.find((v) => v.stages.includes('AWSPENDING') && v !== current);
  const records = pending === undefined ? undefined : await localRotations(context.endpoint, state.arn);
  const last = records?.filter((r) => r.versionId === pending?.versionId && r.kind === 'rotation').at(-1);
  const pendingHasValue =
    pending === undefined ? undefined : await hasValue(context.client, state.arn, pending.versionId);
  const options = {
    now: context.now(),
    stuckAfterMs: stuckAfterMinutes * 60_000,
    pendingFailed: last?.outcome === 'failed',
    pendingHasValue,
    cli: CLI_NAME,
  };
  const diagnosis = diagnose(state, options);
  if (diagnosis.health !== 'stuck' || pending === undefined || pendingHasValue !== true)
    return { state, diagnosis };
  const credentials = await checkCredentials(context, state, current?.versionId, pending.versionId);
  return { state, diagnosis: diagnose(state, { ...options, credentials }), credentials };
}
