import {
  DescribeDBClustersCommand,
  type DescribeDBClustersCommandOutput,
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandOutput,
  type RDSClient,
} from '@aws-sdk/client-rds';

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
async function endpointGroups(rds: RDSClient): Promise<Array<Set<string>>> {
  const instances = new Map<string, string>();
  const related: Array<[string, string[]]> = [];
  let marker: string | undefined;
  do {
    const page: DescribeDBInstancesCommandOutput = await rds.send(
      new DescribeDBInstancesCommand({ Marker: marker }),
    );
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
    const page: DescribeDBClustersCommandOutput = await rds.send(
      new DescribeDBClustersCommand({ Marker: marker }),
    );
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

export function rdsTopologyCheck(rds: RDSClient): TopologyCheck {
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
