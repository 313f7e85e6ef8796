// The RDS SDK's modules rdsSdk.ts imports directly, typed as the package's index exports them.
declare module '@aws-sdk/client-rds/dist-es/commands/DescribeDBClustersCommand.js' {
  export { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
}
declare module '@aws-sdk/client-rds/dist-es/commands/DescribeDBInstancesCommand.js' {
  export { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
}
declare module '@aws-sdk/client-rds/dist-es/RDSClient.js' {
  export { RDSClient } from '@aws-sdk/client-rds';
}
