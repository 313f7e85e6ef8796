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

/** A Region a primary secret is replicated to, as DescribeSecret's ReplicationStatus reports it. */
export interface ReplicaStatus {
  readonly region: string;
  kmsKeyId?: string;
  status: 'InSync' | 'Failed';
  statusMessage?: string;
}

/** Everything the endpoint knows about one secret; what is persisted, one JSON line per change. */
export interface SecretRecord {
  /** Its Region is the secret's Region: records of every Region live in one store. */
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
  /** The resource-based policy, as the JSON text PutResourcePolicy stored. */
  resourcePolicy?: string;
  /** On a primary secret: the Regions it is replicated to. */
  replicas?: ReplicaStatus[];
  /** On a replica: the primary secret's ARN. A replica is read-only; it follows its primary. */
  replicaOf?: string;
  /** Oldest first. */
  versions: VersionRecord[];
}

export function hasValue(version: VersionRecord): boolean {
  return version.secretString !== undefined || version.secretBinary !== undefined;
}

export function versionWithStage(record: SecretRecord, stage: string): VersionRecord | undefined {
  return record.versions.find((version) => version.stages.includes(stage));
}
