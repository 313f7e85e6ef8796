import type { Cli } from '../Cli.js';
import { EXIT } from '../CliError.js';
import { age, formatTable } from '../formatTable.js';
import { statusOf } from '../statusOf.js';
import type { Verdict } from '../verifyCredential.js';

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
