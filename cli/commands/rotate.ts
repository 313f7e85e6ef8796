import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CLI_NAME, type Cli } from '../Cli.js';
import { CliError, EXIT } from '../CliError.js';
import { localRotations } from '../localRotations.js';
import { resumeRotation } from '../resumeRotation.js';
import { hasValue, readSecretState, type SecretState, versionWith } from '../SecretState.js';
import { statusOf } from '../statusOf.js';

export interface RotateOptions {
  readonly wait: boolean;
  readonly timeoutSeconds: number;
  readonly functionArn: string | undefined;
  readonly schedule: string | undefined;
  /** A pending version older than this, with no rotation seen failing, counts as stuck. */
  readonly stuckAfterMinutes: number;
  readonly pollMs?: number;
}

/**
 * Starts a rotation; with `wait`, follows it and reports each change as it happens. A stuck one
 * (RotateSecret refuses to start another) is resumed instead, and one in progress followed.
 */
export async function rotateCommand(cli: Cli, secretId: string, options: RotateOptions): Promise<number> {
  const before = await readSecretState(cli.client, secretId);
  const pending = versionWith(before, 'AWSPENDING');
  if (pending !== undefined && pending.versionId !== versionWith(before, 'AWSCURRENT')?.versionId)
    return unfinished(cli, before, pending.versionId, options);
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
  return follow(cli, before, versionId, options);
}

/** A pending version that is not AWSCURRENT: resumed when stuck, else followed (with `wait`). */
async function unfinished(
  cli: Cli,
  before: SecretState,
  versionId: string,
  options: RotateOptions,
): Promise<number> {
  const id = JSON.stringify(before.name);
  if (options.functionArn !== undefined || options.schedule !== undefined) {
    throw new CliError(
      `The rotation of version ${versionId} of ${before.name} is unfinished, and Secrets Manager takes no new ` +
        `configuration until it is finished or cleared: resume it with ${CLI_NAME} rotate ${id} (no --function-arn ` +
        `or --schedule), or drop it with ${CLI_NAME} cancel ${id}.`,
      EXIT.refused,
    );
  }
  const { diagnosis } = await statusOf(cli, before.arn, options.stuckAfterMinutes);
  if (diagnosis.health === 'stuck') {
    if (diagnosis.lockout)
      cli.progress('the target rejects AWSCURRENT and accepts AWSPENDING: resuming finishes the rotation');
    return resumeRotation(cli, before, versionId, {
      wait: options.wait,
      timeoutSeconds: options.timeoutSeconds,
    });
  }
  if (!options.wait) {
    if (cli.json) cli.out(JSON.stringify({ secret: before.arn, versionId, status: 'in-progress' }));
    else
      cli.out(
        `A rotation of ${before.name} is in progress: version ${versionId}. Follow it with: ${CLI_NAME} rotate ${id} --wait`,
      );
    return EXIT.ok;
  }
  cli.progress(`following the rotation in progress: version ${versionId}`);
  return follow(cli, before, versionId, options);
}

/** Follows the rotation of `versionId` to its end, reporting each step the local stack records. */
async function follow(
  cli: Cli,
  before: SecretState,
  versionId: string,
  options: RotateOptions,
): Promise<number> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const seenSteps = new Set<string>();
  let stored = false;
  for (;;) {
    const state = await readSecretState(cli.client, before.arn);
    const records = (await localRotations(cli.endpoint, before.arn))?.filter(
      (r) => r.versionId === versionId && r.kind === 'rotation',
    );
    for (const [run, record] of (records ?? []).entries()) {
      for (const step of record.steps) {
        const key = `${run}#${step.step}#${step.attempt}#${step.outcome}`;
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
    // Earlier runs of the same version may have failed: only the latest says how this one ends.
    const latest = records?.at(-1);
    if (latest?.outcome === 'failed') {
      return finish(
        cli,
        before.arn,
        versionId,
        `failed: ${latest.error?.type}: ${latest.error?.message}. Secrets Manager reattempts it later; ` +
          `to resume it now: ${CLI_NAME} rotate ${JSON.stringify(before.name)} --wait`,
      );
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
