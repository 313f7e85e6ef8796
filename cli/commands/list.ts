import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import type { Cli } from '../Cli.js';
import { EXIT } from '../CliError.js';
import { age, formatTable } from '../formatTable.js';
import { type StatusReport, statusOf } from '../statusOf.js';

/** Secrets with rotation configured and their health, optionally under one name prefix. */
export async function listCommand(
  cli: Cli,
  path: string | undefined,
  stuckAfterMinutes: number,
): Promise<number> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await cli.client.send(
      new ListSecretsCommand({
        NextToken: token,
        ...(path === undefined ? {} : { Filters: [{ Key: 'name', Values: [path] }] }),
      }),
    );
    for (const secret of page.SecretList ?? []) {
      if (secret.Name === undefined || secret.DeletedDate !== undefined) continue;
      if (secret.RotationEnabled === true || secret.RotationLambdaARN !== undefined) names.push(secret.Name);
    }
    token = page.NextToken;
  } while (token !== undefined);

  const reports: StatusReport[] = [];
  for (const name of names.sort()) reports.push(await statusOf(cli, name, stuckAfterMinutes));
  const now = cli.now();
  if (cli.json) {
    cli.out(
      JSON.stringify(
        reports.map(({ state, diagnosis }) => ({
          name: state.name,
          arn: state.arn,
          health: diagnosis.health,
          summary: diagnosis.summary,
          lastRotatedAt: state.lastRotatedAt,
          nextRotationAt: state.nextRotationAt,
          rotationFunctionArn: state.rotationFunctionArn,
        })),
        null,
        2,
      ),
    );
  } else {
    cli.out(
      formatTable(
        ['SECRET', 'HEALTH', 'LAST ROTATED', 'NEXT', 'FUNCTION'],
        reports.map(({ state, diagnosis }) => [
          state.name,
          diagnosis.health,
          state.lastRotatedAt === undefined ? '-' : `${age(state.lastRotatedAt, now)} ago`,
          state.nextRotationAt?.toISOString().slice(0, 16) ?? '-',
          state.rotationFunctionArn?.split(':').at(-1) ?? '-',
        ]),
      ),
    );
  }
  return reports.some((r) => r.diagnosis.health === 'stuck' || r.diagnosis.health === 'overdue')
    ? EXIT.failed
    : EXIT.ok;
}
