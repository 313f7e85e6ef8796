import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { sensitiveStrings } from '../../../testing/leaks/sensitiveStrings.js';
import { type RdsServer, startRdsServer } from '../../../testing/rds/startRdsServer.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';
import { canLogin, createRole } from './postgresFixture.js';

const FUNCTION = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

let server: TestPostgres;
let rds: RdsServer;
let env: TestStack;
let client: SecretsManagerClient;
const secrets: string[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  // The primary answers on 127.0.0.1 and its read replica on "localhost": the same server here.
  rds = await startRdsServer({
    instances: [
      {
        identifier: 'orders-db',
        address: '127.0.0.1',
        port: server.port,
        readReplicaIdentifiers: ['orders-db-replica'],
      },
      {
        identifier: 'orders-db-replica',
        address: 'localhost',
        port: server.port,
        readReplicaSourceIdentifier: 'orders-db',
      },
    ],
  });
  env = await startTestStack({
    // Single user trusts the CA the way Lambda does (NODE_EXTRA_CA_CERTS), alternating through PG_CA_FILE.
    functionEnvironment: (name): Record<string, string> => ({
      AWS_ENDPOINT_URL_RDS: rds.url,
      ...(name === 'postgres-single-user'
        ? { NODE_EXTRA_CA_CERTS: server.caFile }
        : { PG_CA_FILE: server.caFile }),
    }),
  });
  client = env.client;
}, 60_000);

afterAll(async () => {
  try {
    assertNoSecretLeaks(env.log.join('\n'), secrets);
    assertNoSecretLeaks(server.serverLog(), secrets);
  } finally {
    await env?.close();
    await rds?.close();
    await server?.close();
  }
});

async function createSecret(name: string, value: Record<string, unknown>): Promise<string> {
  secrets.push(...sensitiveStrings(JSON.stringify(value)));
  const out = await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  return out.ARN ?? '';
}

async function rotate(
  secretArn: string,
  functionName: string,
): Promise<{ username: string; password: string }> {
  const out = await client.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: FUNCTION(functionName),
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  await env.stack.runner.waitForRotation(secretArn, out.VersionId ?? '', 30_000);
  return login(secretArn, 'AWSCURRENT');
}

async function login(secretArn: string, stage: string): Promise<{ username: string; password: string }> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
  secrets.push(...sensitiveStrings(out.SecretString ?? ''));
  return JSON.parse(out.SecretString ?? '{}') as { username: string; password: string };
}

const base = () => ({
  engine: 'postgres',
  host: '127.0.0.1',
  port: server.port,
  dbname: 'postgres',
  dbInstanceIdentifier: 'orders-db',
});

describe('Postgres rotation through RotateSecret with the built functions', () => {
  it('single user: the new password logs in and the old one no longer does', async () => {
    await createRole(server, 'orders_single', 'Single-initial-pw-1');
    const arn = await createSecret('services/orders/dev/postgres-single', {
      ...base(),
      username: 'orders_single',
      password: 'Single-initial-pw-1',
    });

    for (let round = 0; round < 2; round++) {
      const before = await login(arn, 'AWSCURRENT');
      const after = await rotate(arn, 'postgres-single-user');
      expect(after.username).toBe('orders_single');
      expect(await canLogin(server, after.username, after.password)).toBe(true);
      expect(await canLogin(server, before.username, before.password)).toBe(false);
    }
  });

  it('alternating users with a master secret on a replica endpoint RDS relates: both logins keep working', async () => {
    await createRole(server, 'orders_alt', 'Alternating-initial-pw-1');
    await createRole(server, 'orders_master', 'Master-initial-pw-1', 'CREATEROLE');
    await server.admin((c) =>
      c.query('GRANT orders_alt TO orders_master WITH ADMIN OPTION, INHERIT FALSE, SET FALSE'),
    );
    const masterArn = await createSecret('services/orders/dev/postgres-master', {
      ...base(),
      host: 'localhost',
      username: 'orders_master',
      password: 'Master-initial-pw-1',
    });
    const arn = await createSecret('services/orders/dev/postgres-alternating', {
      ...base(),
      username: 'orders_alt',
      password: 'Alternating-initial-pw-1',
      masterarn: masterArn,
    });

    const first = await rotate(arn, 'postgres-alternating-users');
    expect(first.username).toBe('orders_alt_clone');
    const second = await rotate(arn, 'postgres-alternating-users');
    expect(second.username).toBe('orders_alt');

    expect(await canLogin(server, first.username, first.password)).toBe(true);
    expect(await canLogin(server, second.username, second.password)).toBe(true);
    expect(rds.requests).toContain('DescribeDBInstances');
  });

  it('refuses a master secret on a host RDS does not relate, and records why', async () => {
    await createRole(server, 'orders_far', 'Far-initial-pw-1');
    const masterArn = await createSecret('services/orders/dev/postgres-far-master', {
      ...base(),
      host: 'analytics-db.cluster-xyz.us-east-1.rds.amazonaws.com',
      username: 'postgres',
      password: server.superuser.password,
    });
    const arn = await createSecret('services/orders/dev/postgres-far', {
      ...base(),
      username: 'orders_far',
      password: 'Far-initial-pw-1',
      masterarn: masterArn,
    });
    const out = await client.send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: FUNCTION('postgres-alternating-users'),
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );

    await expect(env.stack.runner.waitForRotation(arn, out.VersionId ?? '', 30_000)).rejects.toThrow(
      /HostMismatchError/,
    );
    expect(await canLogin(server, 'orders_far', 'Far-initial-pw-1')).toBe(true);
  });
});
