/*
 * The parts of the RDS SDK the functions use, imported by createRdsApi on first use. From the
 * package's own modules, not its index: through a dynamic import the index would bring every RDS
 * command into the bundle (rdsSdkModules.d.ts types them from the index).
 */
export { DescribeDBClustersCommand } from '@aws-sdk/client-rds/dist-es/commands/DescribeDBClustersCommand.js';
export { DescribeDBInstancesCommand } from '@aws-sdk/client-rds/dist-es/commands/DescribeDBInstancesCommand.js';
export { RDSClient } from '@aws-sdk/client-rds/dist-es/RDSClient.js';
