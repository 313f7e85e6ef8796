import type { DescribeDBClustersCommandOutput, DescribeDBInstancesCommandOutput } from '@aws-sdk/client-rds';
import type { RdsApi } from './createRdsApi.js';

/*
 * The one module that talks to RDS: how hosts relate (replicas, cluster endpoints), and where the
 * database an RDS-managed master secret belongs to is.
 */

/** Answers whether two database hosts are the same database as far as RDS knows. */
export type TopologyCheck = (
  userHost: string,
  masterHost: string,
) => Promise<{ together: boolean; reason: string }>;

const lower = (host: string | undefined) => host?.toLowerCase();

/**
 * Groups of endpoints that reach one database: an instance with its read replicas and source,
 * and an Aurora cluster with its writer, reader and custom endpoints and member instances.
 */
async function endpointGroups(rds: RdsApi): Promise<Array<Set<string>>> {
  const instances = new Map<string, string>();
  const related: Array<[string, string[]]> = [];
  let marker: string | undefined;
  do {
    const page: DescribeDBInstancesCommandOutput = await rds.describeDBInstances({ Marker: marker });
    for (const db of page.DBInstances ?? []) {
      if (db.DBInstanceIdentifier === undefined) continue;
      const address = lower(db.Endpoint?.Address);
      if (address !== undefined) instances.set(db.DBInstanceIdentifier, address);
      related.push([
        db.DBInstanceIdentifier,
        [
          ...(db.ReadReplicaDBInstanceIdentifiers ?? []),
          ...(db.ReadReplicaSourceDBInstanceIdentifier === undefined
            ? []
            : [db.ReadReplicaSourceDBInstanceIdentifier]),
        ],
      ]);
    }
    marker = page.Marker;
  } while (marker !== undefined);

  const groups: Array<Set<string>> = [];
  for (const [id, others] of related) {
    groups.push(new Set([id, ...others].flatMap((i) => instances.get(i) ?? [])));
  }
  marker = undefined;
  do {
    const page: DescribeDBClustersCommandOutput = await rds.describeDBClusters({ Marker: marker });
    for (const cluster of page.DBClusters ?? []) {
      groups.push(
        new Set(
          [
            lower(cluster.Endpoint),
            lower(cluster.ReaderEndpoint),
            ...(cluster.CustomEndpoints ?? []).map(lower),
            ...(cluster.DBClusterMembers ?? []).map((m) => instances.get(m.DBInstanceIdentifier ?? '')),
          ].filter((h): h is string => h !== undefined),
        ),
      );
    }
    marker = page.Marker;
  } while (marker !== undefined);
  return groups;
}

export function rdsTopologyCheck(rds: RdsApi): TopologyCheck {
  return async (userHost, masterHost) => {
    let groups: Array<Set<string>>;
    try {
      groups = await endpointGroups(rds);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'an unknown error';
      return {
        together: false,
        reason: `RDS could not be asked (${name}; the role needs rds:DescribeDBInstances and rds:DescribeDBClusters)`,
      };
    }
    const user = userHost.toLowerCase();
    const master = masterHost.toLowerCase();
    const together = groups.some((group) => group.has(user) && group.has(master));
    return together
      ? { together, reason: 'RDS lists them as one instance with its replicas, or one Aurora cluster' }
      : {
          together,
          reason: 'RDS does not list them as one instance with its replicas or one Aurora cluster',
        };
  };
}

/** Where an RDS database answers, as RDS itself reports it. */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  /** The database created with it, when one was named. */
  readonly dbname: string | undefined;
}

/**
 * Finds a DB instance (`arn:…:rds:…:db:<id>`) or cluster (`…:cluster:<id>`) by ARN. Resolves
 * `undefined` when RDS does not know it; rejects when RDS cannot be asked.
 */
export type DatabaseLookup = (resourceArn: string) => Promise<DatabaseEndpoint | undefined>;

const RDS_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):[A-Za-z0-9-]+$/;

const notFound = (error: unknown) =>
  error instanceof Error && /^DB(Instance|Cluster)NotFound(Fault)?$/.test(error.name);

export function rdsDatabaseLookup(rds: RdsApi): DatabaseLookup {
  return async (resourceArn) => {
    const kind = RDS_ARN.exec(resourceArn)?.[1];
    if (kind === undefined) return undefined;
    try {
      if (kind === 'db') {
        const out = await rds.describeDBInstances({ DBInstanceIdentifier: resourceArn });
        const db = out.DBInstances?.[0];
        const host = db?.Endpoint?.Address;
        if (db === undefined || host === undefined) return undefined;
        return { host, port: db.Endpoint?.Port ?? 5432, dbname: db.DBName };
      }
      const out = await rds.describeDBClusters({ DBClusterIdentifier: resourceArn });
      const cluster = out.DBClusters?.[0];
      if (cluster?.Endpoint === undefined) return undefined;
      return { host: cluster.Endpoint, port: cluster.Port ?? 5432, dbname: cluster.DatabaseName };
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  };
}
