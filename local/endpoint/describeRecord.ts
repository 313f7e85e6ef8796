import type { SecretRecord } from './SecretRecord.js';
import { seconds } from './values.js';

const optional = <K extends string>(key: K, value: number | undefined) =>
  value === undefined ? {} : ({ [key]: seconds(value) } as Record<K, number>);

/** DescribeSecret's shape (ListSecrets uses it too, with its own name for the stage map). */
export function describeRecord(
  record: SecretRecord,
  stagesKey: 'VersionIdsToStages' | 'SecretVersionsToStages',
) {
  return {
    ARN: record.arn,
    Name: record.name,
    ...(record.description === undefined ? {} : { Description: record.description }),
    ...(record.kmsKeyId === undefined ? {} : { KmsKeyId: record.kmsKeyId }),
    RotationEnabled: record.rotationEnabled,
    ...(record.rotationLambdaArn === undefined ? {} : { RotationLambdaARN: record.rotationLambdaArn }),
    ...(record.rotationRules === undefined ? {} : { RotationRules: record.rotationRules }),
    ...optional('LastRotatedDate', record.lastRotatedDate),
    ...optional('LastChangedDate', record.lastChangedDate),
    ...optional('LastAccessedDate', record.lastAccessedDate),
    ...optional('DeletedDate', record.deletionDate),
    ...optional('NextRotationDate', record.rotationEnabled ? record.nextRotationDate : undefined),
    ...(record.tags.length === 0 ? {} : { Tags: record.tags }),
    ...(record.owningService === undefined ? {} : { OwningService: record.owningService }),
    [stagesKey]: Object.fromEntries(
      record.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]]),
    ),
    CreatedDate: seconds(record.createdDate),
  };
}
