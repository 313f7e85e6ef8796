import { CLI_NAME, type Cli } from '../Cli.js';
import { EXIT } from '../CliError.js';
import { type CredentialCheck, type Diagnosis, diagnose } from '../diagnose.js';
import { age, formatTable } from '../formatTable.js';
import { localRotations } from '../localRotations.js';
import { hasValue, readSecretState, type SecretState } from '../SecretState.js';
import { checkBothCredentials, type Verdict } from '../verifyCredential.js';

export interface StatusReport {
  readonly state: SecretState;
  readonly diagnosis: Diagnosis;
  /** For a stuck secret with a pending value: which of the two credentials the target takes. */
  readonly credentials?: CredentialCheck;
}

/**
 * Reads the state and diagnoses it; shared by `status`, `list` and `rotate`. For a stuck secret
 * whose pending version holds a value, both credentials are tried against the target (a read-only
 * test): a single-user rotation stopped after setSecret leaves AWSCURRENT rejected.
 */
export async function statusOf(cli: Cli, secretId: string, stuckAfterMinutes: number): Promise<StatusReport> {
  const state = await readSecretState(cli.client, secretId);
  const current = state.versions.find((v) => v.stages.includes('AWSCURRENT'));
  const pending = state.versions.find((v) => v.stages.includes('AWSPENDING') && v !== current);
  const records = pending === undefined ? undefined : await localRotations(cli.endpoint, state.arn);
  const last = records?.filter((r) => r.versionId === pending?.versionId && r.kind === 'rotation').at(-1);
  const pendingHasValue =
    pending === undefined ? undefined : await hasValue(cli.client, state.arn, pending.versionId);
  const options = {
    now: cli.now(),
    stuckAfterMs: stuckAfterMinutes * 60_000,
    pendingFailed: last?.outcome === 'failed',
    pendingHasValue,
    cli: CLI_NAME,
  };
  const diagnosis = diagnose(state, options);
  if (diagnosis.health !== 'stuck' || pending === undefined || pendingHasValue !== true)
    return { state, diagnosis };
  const credentials = await checkBothCredentials(cli, state, current?.versionId, pending.versionId);
  return { state, diagnosis: diagnose(state, { ...options, credentials }), credentials };
}

const verdict = (v: Verdict) => (v.works ? 'works' : `rejected (${v.reason})`);

export async function statusCommand(cli: Cli, secretId: string, stuckAfterMinutes: number): Promise<number> {
  const { state, diagnosis, credentials } = await statusOf(cli, secretId, stuckAfterMinutes);
  const now = cli.now();
  if (cli.json) {
    cli.out(
      JSON.stringify(
        {
          ...state,
          health: diagnosis.health,
          summary: diagnosis.summary,
          fixes: diagnosis.fixes,
          lockout: diagnosis.lockout,
          ...(credentials === undefined ? {} : { credentials }),
        },
        null,
        2,
      ),
    );
  } else {
    const when = (date: Date | undefined) =>
      date === undefined ? '-' : `${date.toISOString()} (${age(date, now)} ago)`;
    cli.out(
      [
        `Secret      ${state.name}`,
        `ARN         ${state.arn}`,
        `Rotation    ${state.rotationEnabled ? 'enabled' : 'not enabled'}${state.schedule === undefined ? '' : `, ${state.schedule}`}`,
        `Function    ${state.rotationFunctionArn ?? '-'}`,
        `Last        ${when(state.lastRotatedAt)}`,
        `Next        ${state.nextRotationAt?.toISOString() ?? '-'}`,
        `Health      ${diagnosis.health.toUpperCase()}: ${diagnosis.summary}`,
        ...(credentials === undefined
          ? []
          : [
              `Credentials ${credentials.target} check: AWSCURRENT ${verdict(credentials.current)}, ` +
                `AWSPENDING ${verdict(credentials.pending)}`,
            ]),
        '',
        formatTable(
          ['VERSION', 'LABELS', 'AGE'],
          state.versions.map((v) => [
            v.versionId,
            v.stages.join(',') || '(deprecated)',
            age(v.createdAt, now),
          ]),
        ),
        ...(diagnosis.fixes.length === 0 ? [] : ['', 'Fix:', ...diagnosis.fixes.map((fix) => `  ${fix}`)]),
      ].join('\n'),
    );
  }
  return diagnosis.health === 'stuck' || diagnosis.health === 'overdue' ? EXIT.failed : EXIT.ok;
}
