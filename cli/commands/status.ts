import { CLI_NAME, type Cli } from '../Cli.js';
import { EXIT } from '../CliError.js';
import { type Diagnosis, diagnose } from '../diagnose.js';
import { age, formatTable } from '../formatTable.js';
import { localRotations } from '../localRotations.js';
import { hasValue, readSecretState, type SecretState } from '../SecretState.js';

export interface StatusReport {
  readonly state: SecretState;
  readonly diagnosis: Diagnosis;
}

/** Reads the state and diagnoses it; shared by `status`, `list` and `cancel`. */
export async function statusOf(cli: Cli, secretId: string, stuckAfterMinutes: number): Promise<StatusReport> {
  const state = await readSecretState(cli.client, secretId);
  const current = state.versions.find((v) => v.stages.includes('AWSCURRENT'));
  const pending = state.versions.find((v) => v.stages.includes('AWSPENDING') && v !== current);
  const records = pending === undefined ? undefined : await localRotations(cli.endpoint, state.arn);
  const last = records?.filter((r) => r.versionId === pending?.versionId && r.kind === 'rotation').at(-1);
  const diagnosis = diagnose(state, {
    now: cli.now(),
    stuckAfterMs: stuckAfterMinutes * 60_000,
    pendingFailed: last?.outcome === 'failed',
    pendingHasValue:
      pending === undefined ? undefined : await hasValue(cli.client, state.arn, pending.versionId),
    cli: CLI_NAME,
  });
  return { state, diagnosis };
}

export async function statusCommand(cli: Cli, secretId: string, stuckAfterMinutes: number): Promise<number> {
  const { state, diagnosis } = await statusOf(cli, secretId, stuckAfterMinutes);
  const now = cli.now();
  if (cli.json) {
    cli.out(
      JSON.stringify(
        { ...state, health: diagnosis.health, summary: diagnosis.summary, fixes: diagnosis.fixes },
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
