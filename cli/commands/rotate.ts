import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CLI_NAME, type Cli } from '../Cli.js';
import { CliError, EXIT } from '../CliError.js';
import { localRotations } from '../localRotations.js';
import { hasValue, readSecretState, versionWith } from '../SecretState.js';

export interface RotateOptions {
  readonly wait: boolean;
  readonly timeoutSeconds: number;
  readonly functionArn: string | undefined;
  readonly schedule: string | undefined;
  readonly pollMs?: number;
}

/** Starts a rotation; with `wait`, follows it and reports each change as it happens. */
export async function rotateCommand(cli: Cli, secretId: string, options: RotateOptions): Promise<number> {
  const before = await readSecretState(cli.client, secretId);
  if (!before.rotationEnabled && options.functionArn === undefined) {
    throw new CliError(
      `${before.name} has no rotation configured: pass --function-arn <rotation function ARN> (and --schedule) once`,
      EXIT.refused,
    );
  }
  const out = await cli.client.send(
    new RotateSecretCommand({
      SecretId: before.arn,
      ClientRequestToken: randomUUID(),
      ...(options.functionArn === undefined ? {} : { RotationLambdaARN: options.functionArn }),
      ...(options.schedule === undefined ? {} : { RotationRules: { ScheduleExpression: options.schedule } }),
    }),
  );
  const versionId = out.VersionId ?? '';
  if (!options.wait) {
    if (cli.json) cli.out(JSON.stringify({ secret: before.arn, versionId, status: 'started' }));
    else
      cli.out(
        `Rotation of ${before.name} started: version ${versionId}. Follow it with: ${CLI_NAME} status ${JSON.stringify(before.name)}`,
      );
    return EXIT.ok;
  }

  cli.progress(`rotation started: version ${versionId}`);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const seenSteps = new Set<string>();
  let stored = false;
  for (;;) {
    const state = await readSecretState(cli.client, before.arn);
    const records = (await localRotations(cli.endpoint, before.arn))?.filter(
      (r) => r.versionId === versionId && r.kind === 'rotation',
    );
    for (const record of records ?? []) {
      for (const step of record.steps) {
        const key = `${step.step}#${step.attempt}#${step.outcome}`;
        if (seenSteps.has(key)) continue;
        seenSteps.add(key);
        cli.progress(`${step.step} ${step.outcome} (attempt ${step.attempt})`);
      }
    }
    if (versionWith(state, 'AWSCURRENT')?.versionId === versionId) {
      cli.progress('AWSCURRENT moved to the new version');
      if (cli.json) cli.out(JSON.stringify({ secret: before.arn, versionId, status: 'succeeded' }));
      else cli.out(`Rotation of ${before.name} succeeded: version ${versionId} is AWSCURRENT`);
      return EXIT.ok;
    }
    const failed = records?.find((r) => r.outcome === 'failed');
    if (failed !== undefined) {
      return finish(cli, before.arn, versionId, `failed: ${failed.error?.type}: ${failed.error?.message}`);
    }
    const pending = state.versions.find((v) => v.versionId === versionId);
    if (pending === undefined || !pending.stages.includes('AWSPENDING')) {
      return finish(
        cli,
        before.arn,
        versionId,
        'abandoned: AWSPENDING was removed from the new version before it became AWSCURRENT',
      );
    }
    if (!stored && (await hasValue(cli.client, before.arn, versionId))) {
      stored = true;
      cli.progress('new value stored as AWSPENDING (createSecret done)');
    }
    if (Date.now() > deadline) {
      return finish(
        cli,
        before.arn,
        versionId,
        `not finished after ${options.timeoutSeconds} s; Secrets Manager may still be retrying. Check the rotation function's logs, then: ${CLI_NAME} status ${JSON.stringify(before.name)}`,
      );
    }
    await sleep(options.pollMs ?? 500);
  }
}

function finish(cli: Cli, arn: string, versionId: string, reason: string): number {
  if (cli.json) cli.out(JSON.stringify({ secret: arn, versionId, status: 'failed', reason }));
  else cli.out(`Rotation ${versionId} ${reason}`);
  return EXIT.failed;
}
