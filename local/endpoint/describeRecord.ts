import { regionOfArn } from './arns.js';
import type { SecretRecord } from './SecretRecord.js';
import { seconds } from './values.js';

const optional = <K extends string>(key: K, value: number | undefined) =>
  value === undefined ? {} : ({ [key]: seconds(value) } as Record<K, number>);

/** The Region a replicated secret originates from; undefined for a secret never replicated. */
export function primaryRegion(record: SecretRecord): string | undefined {
  if (record.replicaOf !== undefined) return regionOfArn(record.replicaOf);
  return record.replicas !== undefined && record.replicas.length > 0 ? regionOfArn(record.arn) : undefined;
}

/** DescribeSecret's (and ReplicateSecretToRegions') ReplicationStatus of a primary secret. */
export function replicationStatus(
  record: SecretRecord,
  replicaOf: (region: string) => SecretRecord | undefined,
) {
  return (record.replicas ?? []).map((replica) => {
    const accessed = replicaOf(replica.region)?.lastAccessedDate;
    return {
      Region: replica.region,
      ...(replica.kmsKeyId === undefined ? {} : { KmsKeyId: replica.kmsKeyId }),
      Status: replica.status,
      ...(replica.statusMessage === undefined ? {} : { StatusMessage: replica.statusMessage }),
      ...optional('LastAccessedDate', accessed),
    };
  });
}

/**
 * DescribeSecret's shape (ListSecrets uses it too, with its own name for the stage map). Like AWS,
 * it returns only fields that have a value: RotationEnabled only once rotation was configured
 * (API_DescribeSecret: "If the secret has never been configured for rotation, Secrets Manager
 * returns null"), the stage map only when a version carries a label.
 */
export function describeRecord(
  record: SecretRecord,
  stagesKey: 'VersionIdsToStages' | 'SecretVersionsToStages',
  /** DescribeSecret only: finds a replica for ReplicationStatus (ListSecrets has no such field). */
  replicaOf?: (region: string) => SecretRecord | undefined,
) {
  // RotateSecret cannot succeed without a function ARN, so a stored ARN means "configured once".
  const configured = record.rotationEnabled || record.rotationLambdaArn !== undefined;
  const stages = record.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]]);
  const primary = primaryRegion(record);
  return {
    ARN: record.arn,
    Name: record.name,
    ...(record.description === undefined ? {} : { Description: record.description }),
    ...(record.kmsKeyId === undefined ? {} : { KmsKeyId: record.kmsKeyId }),
    ...(configured ? { RotationEnabled: record.rotationEnabled } : {}),
    ...(record.rotationLambdaArn === undefined ? {} : { RotationLambdaARN: record.rotationLambdaArn }),
    ...(record.rotationRules === undefined ? {} : { RotationRules: record.rotationRules }),
    ...optional('LastRotatedDate', record.lastRotatedDate),
    ...optional('LastChangedDate', record.lastChangedDate),
    ...optional('LastAccessedDate', record.lastAccessedDate),
    ...optional('DeletedDate', record.deletionDate),
    ...optional('NextRotationDate', record.rotationEnabled ? record.nextRotationDate : undefined),
    ...(record.tags.length === 0 ? {} : { Tags: record.tags }),
    ...(record.owningService === undefined ? {} : { OwningService: record.owningService }),
    ...(stages.length === 0 ? {} : { [stagesKey]: Object.fromEntries(stages) }),
    CreatedDate: seconds(record.createdDate),
    ...(primary === undefined ? {} : { PrimaryRegion: primary }),
    ...(replicaOf === undefined || record.replicas === undefined || record.replicas.length === 0
      ? {}
      : { ReplicationStatus: replicationStatus(record, replicaOf) }),
  };
}
