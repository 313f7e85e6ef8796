import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export interface VersionState {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly createdAt: Date | undefined;
}

/** What Secrets Manager says about a secret, without any value. */
export interface SecretState {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  readonly rotationFunctionArn: string | undefined;
  readonly schedule: string | undefined;
  readonly lastRotatedAt: Date | undefined;
  readonly nextRotationAt: Date | undefined;
  readonly versions: readonly VersionState[];
}

export async function readSecretState(client: SecretsManagerClient, secretId: string): Promise<SecretState> {
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const versions: VersionState[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, NextToken: token }));
    for (const v of page.Versions ?? []) {
      if (v.VersionId === undefined) continue;
      versions.push({ versionId: v.VersionId, stages: v.VersionStages ?? [], createdAt: v.CreatedDate });
    }
    token = page.NextToken;
  } while (token !== undefined);
  const rules = described.RotationRules;
  return {
    arn: described.ARN ?? secretId,
    name: described.Name ?? secretId,
    rotationEnabled: described.RotationEnabled === true,
    rotationFunctionArn: described.RotationLambdaARN,
    schedule:
      rules?.ScheduleExpression ??
      (rules?.AutomaticallyAfterDays === undefined
        ? undefined
        : `every ${rules.AutomaticallyAfterDays} days`),
    lastRotatedAt: described.LastRotatedDate,
    nextRotationAt: described.NextRotationDate,
    versions: versions.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)),
  };
}

export const versionWith = (state: SecretState, stage: string) =>
  state.versions.find((v) => v.stages.includes(stage));

/** Whether a version holds a value; the value itself is dropped at once and never printed. */
export async function hasValue(
  client: SecretsManagerClient,
  secretId: string,
  versionId: string,
): Promise<boolean> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }));
    return out.SecretString !== undefined || out.SecretBinary !== undefined;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
