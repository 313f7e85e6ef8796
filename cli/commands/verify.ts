import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { Cli } from '../Cli.js';
import { EXIT } from '../CliError.js';
import { readSecretState } from '../SecretState.js';
import { targetFor, verifyCredential } from '../verifyCredential.js';

/** Checks that a stored credential works against its target, changing nothing: a canary. */
export async function verifyCommand(
  cli: Cli,
  secretId: string,
  stage: string,
  target: string | undefined,
): Promise<number> {
  const state = await readSecretState(cli.client, secretId);
  const out = await cli.client.send(new GetSecretValueCommand({ SecretId: state.arn, VersionStage: stage }));
  const value = out.SecretString ?? '';
  const chosen = target ?? targetFor(state.rotationFunctionArn, value);
  const verdict = await verifyCredential(cli, chosen, state.arn, out.VersionId ?? '', value, stage);
  if (cli.json) {
    cli.out(
      JSON.stringify({ secret: state.arn, stage, versionId: out.VersionId, target: chosen, ...verdict }),
    );
  } else if (verdict.works) {
    cli.out(`${stage} of ${state.name} works (${chosen} check, version ${out.VersionId})`);
  } else {
    cli.out(
      `${stage} of ${state.name} does NOT work (${chosen} check, version ${out.VersionId}): ${verdict.reason}`,
    );
  }
  return verdict.works ? EXIT.ok : EXIT.failed;
}
