import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RdsServer, startRdsServer } from '../../../testing/rds/startRdsServer.js';

let server: RdsServer;
let client: RDSClient;

beforeAll(async () => {
  server = await startRdsServer({
    instances: [
      {
        identifier: 'primary',
        address: 'primary.abc.us-east-1.rds.amazonaws.com',
        readReplicaIdentifiers: ['replica-1', 'replica-2'],
      },
      {
        identifier: 'replica-1',
        address: 'replica-1.abc.us-east-1.rds.amazonaws.com',
        port: 5433,
        readReplicaSourceIdentifier: 'primary',
      },
      { identifier: 'odd', engine: 'postgres', address: 'a&b<c>"d\'.example' },
      {
        identifier: 'aurora-1',
        engine: 'aurora-postgresql',
        address: 'aurora-1.abc.us-east-1.rds.amazonaws.com',
        clusterIdentifier: 'aurora',
      },
    ],
    clusters: [
      {
        identifier: 'aurora',
        endpoint: 'aurora.cluster-abc.us-east-1.rds.amazonaws.com',
        readerEndpoint: 'aurora.cluster-ro-abc.us-east-1.rds.amazonaws.com',
        customEndpoints: ['reporting.cluster-custom-abc.us-east-1.rds.amazonaws.com', 'x&y.example'],
        port: 5432,
        members: [
          { instanceIdentifier: 'aurora-1', isWriter: true },
          { instanceIdentifier: 'aurora-2', isWriter: false },
        ],
      },
    ],
  });
  client = new RDSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
});

describe('the local RDS server', () => {
  it('describes a primary and its read replica', async () => {
    const primary = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary' }));
    expect(primary.DBInstances).toEqual([
      {
        DBInstanceIdentifier: 'primary',
        Engine: 'postgres',
        Endpoint: { Address: 'primary.abc.us-east-1.rds.amazonaws.com', Port: 5432 },
        ReadReplicaDBInstanceIdentifiers: ['replica-1', 'replica-2'],
      },
    ]);

    const replica = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'replica-1' }));
    expect(replica.DBInstances?.[0]).toEqual({
      DBInstanceIdentifier: 'replica-1',
      Engine: 'postgres',
      Endpoint: { Address: 'replica-1.abc.us-east-1.rds.amazonaws.com', Port: 5433 },
      ReadReplicaSourceDBInstanceIdentifier: 'primary',
    });
  });

  it('describes an Aurora cluster with writer and reader members and custom endpoints', async () => {
    const { DBClusters } = await client.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora' }),
    );
    expect(DBClusters).toEqual([
      {
        DBClusterIdentifier: 'aurora',
        Engine: 'aurora-postgresql',
        Endpoint: 'aurora.cluster-abc.us-east-1.rds.amazonaws.com',
        ReaderEndpoint: 'aurora.cluster-ro-abc.us-east-1.rds.amazonaws.com',
        CustomEndpoints: ['reporting.cluster-custom-abc.us-east-1.rds.amazonaws.com', 'x&y.example'],
        Port: 5432,
        DBClusterMembers: [
          { DBInstanceIdentifier: 'aurora-1', IsClusterWriter: true },
          { DBInstanceIdentifier: 'aurora-2', IsClusterWriter: false },
        ],
      },
    ]);

    const member = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'aurora-1' }));
    expect(member.DBInstances?.[0]?.DBClusterIdentifier).toBe('aurora');
  });

  it('describes everything when no identifier is given', async () => {
    const instances = await client.send(new DescribeDBInstancesCommand({}));
    expect(instances.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual([
      'primary',
      'replica-1',
      'odd',
      'aurora-1',
    ]);
    const clusters = await client.send(new DescribeDBClustersCommand({}));
    expect(clusters.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['aurora']);
  });

  it('round-trips values that need XML escaping', async () => {
    const { DBInstances } = await client.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'odd' }),
    );
    expect(DBInstances?.[0]?.Endpoint?.Address).toBe('a&b<c>"d\'.example');
  });

  it('reports unknown instances as DBInstanceNotFoundFault', async () => {
    const failure = client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'missing' }));
    await expect(failure).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
    await expect(failure).rejects.toMatchObject({
      name: 'DBInstanceNotFoundFault',
      message: 'DBInstance missing not found.',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('reports unknown clusters as DBClusterNotFoundFault', async () => {
    const failure = client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'missing' }));
    await expect(failure).rejects.toBeInstanceOf(DBClusterNotFoundFault);
    await expect(failure).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
      message: 'DBCluster missing not found.',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers unknown actions with InvalidAction', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=RebootDBInstance&Version=2014-10-31',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
  });

  it('records the Action names it served, in order', async () => {
    const before = server.requests.length;
    await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary' }));
    await client.send(new DescribeDBClustersCommand({}));
    expect(server.requests.slice(before)).toEqual(['DescribeDBInstances', 'DescribeDBClusters']);
  });
});
