import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DescribeSecretCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { DemoContext, DemoResult } from './DemoRotation.js';

/** The secret's ARN, or undefined when no secret has that name. */
export async function secretArnIfExists(
  client: SecretsManagerClient,
  name: string,
): Promise<string | undefined> {
  try {
    return (await client.send(new DescribeSecretCommand({ SecretId: name }))).ARN;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** The ARN of the secret `input.Name`, created with `input` when it does not exist yet. */
export async function ensureSecretArn(
  client: SecretsManagerClient,
  input: CreateSecretCommandInput & { Name: string },
): Promise<string> {
  const existing = await secretArnIfExists(client, input.Name);
  if (existing !== undefined) return existing;
  const created = await client.send(new CreateSecretCommand(input));
  if (created.ARN === undefined) throw new Error('CreateSecret returned no ARN');
  return created.ARN;
}

/** One rotation through RotateSecret with the demo's function, waited for; returns the new version. */
export async function rotateOnce(
  context: DemoContext,
  secretArn: string,
  functionName: string,
  timeoutMs = 30_000,
): Promise<string> {
  const rotation = await context.client.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: `arn:aws:lambda:${context.region}:${context.accountId}:function:${functionName}`,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  if (rotation.VersionId === undefined) throw new Error('RotateSecret returned no VersionId');
  await context.waitForRotation(secretArn, rotation.VersionId, timeoutMs);
  return rotation.VersionId;
}

/** Verified when every named check holds; the detail names the failed ones. */
export function verdict(
  name: string,
  subject: string,
  checks: Record<string, boolean>,
  success: string,
  started: number,
): DemoResult {
  const failed = Object.entries(checks).filter(([, ok]) => !ok);
  return {
    name,
    verified: failed.length === 0,
    detail:
      failed.length === 0
        ? `${subject}: ${success}`
        : `${subject}: failed checks: ${failed.map(([check]) => check).join('; ')}`,
    durationMs: Math.round(performance.now() - started),
  };
}
