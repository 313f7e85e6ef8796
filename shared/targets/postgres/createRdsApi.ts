import type {
  DescribeDBClustersCommandInput,
  DescribeDBClustersCommandOutput,
  DescribeDBInstancesCommandInput,
  DescribeDBInstancesCommandOutput,
  RDSClient,
} from '@aws-sdk/client-rds';

type RdsSdk = typeof import('./rdsSdk.js');

/** The two RDS reads the functions make. */
export interface RdsApi {
  describeDBInstances(input: DescribeDBInstancesCommandInput): Promise<DescribeDBInstancesCommandOutput>;
  describeDBClusters(input: DescribeDBClustersCommandInput): Promise<DescribeDBClustersCommandOutput>;
}

/**
 * RDS, loaded on first use: most rotations never ask it anything (only a master secret RDS manages,
 * or a user host that is not the master's), so most cold starts skip loading its client.
 */
export function createRdsApi(client: (sdk: RdsSdk) => RDSClient): RdsApi {
  let loaded: Promise<{ readonly sdk: RdsSdk; readonly rds: RDSClient }> | undefined;
  const load = () => {
    loaded ??= import('./rdsSdk.js').then((sdk) => ({ sdk, rds: client(sdk) }));
    return loaded;
  };
  return {
    async describeDBInstances(input) {
      const { sdk, rds } = await load();
      return rds.send(new sdk.DescribeDBInstancesCommand(input));
    },
    async describeDBClusters(input) {
      const { sdk, rds } = await load();
      return rds.send(new sdk.DescribeDBClustersCommand(input));
    },
  };
}
