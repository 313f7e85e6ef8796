/** One DB instance as the local RDS fake describes it. */
export interface RdsInstanceFixture {
  readonly identifier: string;
  /** Defaults to 'postgres'. */
  readonly engine?: string;
  readonly address: string;
  /** Defaults to 5432. */
  readonly port?: number;
  /** The database created with the instance, when one was named. */
  readonly dbName?: string;
  /** Set for Aurora members so callers can walk from an instance to its cluster. */
  readonly clusterIdentifier?: string;
  readonly readReplicaSourceIdentifier?: string;
  readonly readReplicaIdentifiers?: readonly string[];
}

/** One Aurora DB cluster as the local RDS fake describes it. */
export interface RdsClusterFixture {
  readonly identifier: string;
  /** Defaults to 'aurora-postgresql'. */
  readonly engine?: string;
  readonly endpoint: string;
  readonly readerEndpoint?: string;
  readonly customEndpoints?: readonly string[];
  readonly port?: number;
  /** The database created with the cluster, when one was named. */
  readonly databaseName?: string;
  readonly members: readonly { readonly instanceIdentifier: string; readonly isWriter: boolean }[];
}
