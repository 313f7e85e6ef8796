import { RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRdsApi } from '../../../shared/targets/postgres/createRdsApi.js';
import { rdsTopologyCheck } from '../../../shared/targets/postgres/rdsTopology.js';
import { type RdsServer, startRdsServer } from '../../../testing/rds/startRdsServer.js';

let rds: RdsServer;
let client: RDSClient;

beforeAll(async () => {
  rds = await startRdsServer({
    instances: [
      {
        identifier: 'orders',
        address: 'orders.abc.rds.amazonaws.com',
        readReplicaIdentifiers: ['orders-ro'],
      },
      {
        identifier: 'orders-ro',
        address: 'orders-ro.abc.rds.amazonaws.com',
        readReplicaSourceIdentifier: 'orders',
      },
      { identifier: 'billing-1', address: 'billing-1.abc.rds.amazonaws.com', clusterIdentifier: 'billing' },
      { identifier: 'billing-2', address: 'billing-2.abc.rds.amazonaws.com', clusterIdentifier: 'billing' },
      { identifier: 'other', address: 'other.abc.rds.amazonaws.com' },
    ],
    clusters: [
      {
        identifier: 'billing',
        endpoint: 'billing.cluster-abc.rds.amazonaws.com',
        readerEndpoint: 'billing.cluster-ro-abc.rds.amazonaws.com',
        customEndpoints: ['billing-reports.cluster-custom-abc.rds.amazonaws.com'],
        members: [
          { instanceIdentifier: 'billing-1', isWriter: true },
          { instanceIdentifier: 'billing-2', isWriter: false },
        ],
      },
    ],
  });
  client = new RDSClient({
    endpoint: rds.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
});

afterAll(async () => {
  client?.destroy();
  await rds?.close();
});

describe('RDS topology check over the RDS API', () => {
  it.each([
    ['orders-ro.abc.rds.amazonaws.com', 'orders.abc.rds.amazonaws.com', true],
    ['ORDERS.abc.rds.amazonaws.com', 'orders-ro.abc.rds.amazonaws.com', true],
    ['billing.cluster-ro-abc.rds.amazonaws.com', 'billing.cluster-abc.rds.amazonaws.com', true],
    ['billing-2.abc.rds.amazonaws.com', 'billing.cluster-abc.rds.amazonaws.com', true],
    ['billing-reports.cluster-custom-abc.rds.amazonaws.com', 'billing-1.abc.rds.amazonaws.com', true],
    ['other.abc.rds.amazonaws.com', 'orders.abc.rds.amazonaws.com', false],
    ['billing-1.abc.rds.amazonaws.com', 'orders.abc.rds.amazonaws.com', false],
    ['unknown.example.com', 'orders.abc.rds.amazonaws.com', false],
  ])('%s with %s → %s', async (user, master, together) => {
    const verdict = await rdsTopologyCheck(createRdsApi(() => client))(user, master);
    expect(verdict.together).toBe(together);
  });

  it('refuses, saying why, when RDS cannot be asked', async () => {
    const unreachable = new RDSClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
    const verdict = await rdsTopologyCheck(createRdsApi(() => unreachable))('a.example.com', 'b.example.com');
    unreachable.destroy();
    expect(verdict.together).toBe(false);
    expect(verdict.reason).toContain('rds:DescribeDBInstances');
  });
});
