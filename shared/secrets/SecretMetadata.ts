export const STAGE = {
  current: 'AWSCURRENT',
  pending: 'AWSPENDING',
  previous: 'AWSPREVIOUS',
} as const;

export type Stage = (typeof STAGE)[keyof typeof STAGE];

/** What DescribeSecret tells a rotation step, reduced to what the engine decides on. */
export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Version id → its staging labels; versions without a label are not listed. */
  readonly versions: ReadonlyMap<string, readonly string[]>;
  /**
   * Tag key → value. Keys starting with `aws:` can only be set by AWS services (RDS tags the master
   * secrets it manages with the database they belong to), so they are the only tags a function may
   * trust more than the secret's value.
   */
  readonly tags: ReadonlyMap<string, string>;
  /** The function Secrets Manager invokes to rotate the secret (`RotationLambdaARN`), if one is set. */
  readonly rotationLambdaArn?: string | undefined;
}

/** A Lambda ARN without its version or alias, so `…:function:f` and `…:function:f:live` compare equal. */
const unqualified = (arn: string) => arn.split(':').slice(0, 7).join(':');

/**
 * Whether `functionArn` (this function, as Lambda invoked it) is the secret's rotation function. Such a
 * secret is written by whoever owns a secret this function rotates, so it can never stand for a more
 * privileged credential. `undefined` when the caller does not know its own ARN (outside Lambda).
 */
export function rotatedByFunction(metadata: SecretMetadata, functionArn: string | undefined): boolean {
  if (functionArn === undefined || metadata.rotationLambdaArn === undefined) return false;
  return unqualified(metadata.rotationLambdaArn) === unqualified(functionArn);
}

/** The id of the version that carries `stage`, if any does. */
export function versionWithStage(metadata: SecretMetadata, stage: string): string | undefined {
  for (const [versionId, stages] of metadata.versions) {
    if (stages.includes(stage)) return versionId;
  }
  return undefined;
}
