export interface RotationRules {
  readonly AutomaticallyAfterDays?: number;
  readonly ScheduleExpression?: string;
  readonly Duration?: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** One version. Times are epoch milliseconds. A version with no stages is deprecated. */
export interface VersionRecord {
  readonly id: string;
  secretString?: string;
  /** base64, as on the wire */
  secretBinary?: string;
  readonly createdDate: number;
  lastAccessedDate?: number;
  stages: string[];
}

/** Everything the endpoint knows about one secret; what is persisted, one JSON line per change. */
export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  description?: string;
  kmsKeyId?: string;
  /** Set only for a secret another AWS service created (e.g. `rds`); never through the API. */
  readonly owningService?: string;
  tags: Tag[];
  readonly createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** When the secret will be purged; set while it is scheduled for deletion. */
  deletionDate?: number;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  /** When rotation was (re)configured: the base of the first NextRotationDate. */
  rotationConfiguredDate?: number;
  lastRotatedDate?: number;
  nextRotationDate?: number;
  /** Oldest first. */
  versions: VersionRecord[];
}

export function hasValue(version: VersionRecord): boolean {
  return version.secretString !== undefined || version.secretBinary !== undefined;
}

export function versionWithStage(record: SecretRecord, stage: string): VersionRecord | undefined {
  return record.versions.find((version) => version.stages.includes(stage));
}
