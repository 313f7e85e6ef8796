import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  ListSecretsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../local/endpoint/AwsServiceError.js';
import { startEndpoint, uniqueName } from './endpointFixture.js';

const INSTANCE_ARN = 'arn:aws:rds:us-east-1:000000000000:db:orders-primary';
const CLUSTER_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:orders';
const VALUE = JSON.stringify({ username: 'postgres', password: 'managed-master-value-0001' });

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

/** What RDS does when it creates a DB instance with ManageMasterUserPassword. */
function rdsInstanceSecret(store = endpoint.server.store) {
  const name = `rds!db-${randomUUID()}`;
  const created = store.createManagedSecret({
    name,
    secretString: VALUE,
    owningService: 'rds',
    tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE_ARN }],
  });
  return { name, ...created };
}

const describeSecret = (id: string, client = endpoint.client) =>
  client.send(new DescribeSecretCommand({ SecretId: id }));

describe('a managed secret, as RDS creates it', () => {
  it('reports OwningService and the aws: tags in DescribeSecret, with one AWSCURRENT version', async () => {
    const { name, arn, versionId } = rdsInstanceSecret();

    const described = await describeSecret(arn);

    expect(arn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/,
    );
    expect(described).toMatchObject({
      ARN: arn,
      Name: name,
      OwningService: 'rds',
      Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE_ARN }],
      VersionIdsToStages: { [versionId]: ['AWSCURRENT'] },
    });
  });

  it('reports OwningService in ListSecrets, and only for managed secrets', async () => {
    const { arn } = rdsInstanceSecret();
    const own = uniqueName('own');
    await endpoint.client.send(new CreateSecretCommand({ Name: own, SecretString: 'v' }));

    const listed = (await endpoint.client.send(new ListSecretsCommand({}))).SecretList ?? [];

    expect(listed.find((secret) => secret.ARN === arn)?.OwningService).toBe('rds');
    expect(listed.find((secret) => secret.Name === own)).not.toHaveProperty('OwningService');
  });

  it('serves its value through GetSecretValue', async () => {
    const { name, versionId } = rdsInstanceSecret();

    const got = await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }));

    expect(got.SecretString).toBe(VALUE);
    expect(got.VersionId).toBe(versionId);
    expect(got.VersionStages).toEqual(['AWSCURRENT']);
  });

  it('models a cluster secret the same way', async () => {
    const name = `rds!cluster-${randomUUID()}`;
    endpoint.server.store.createManagedSecret({
      name,
      secretString: VALUE,
      owningService: 'rds',
      tags: [{ Key: 'aws:rds:primaryDBClusterArn', Value: CLUSTER_ARN }],
    });

    expect((await describeSecret(name)).Tags).toEqual([
      { Key: 'aws:rds:primaryDBClusterArn', Value: CLUSTER_ARN },
    ]);
  });

  it('lets no API caller change or remove its aws: tags', async () => {
    const { arn } = rdsInstanceSecret();

    await expect(
      endpoint.client.send(
        new TagResourceCommand({
          SecretId: arn,
          Tags: [
            { Key: 'aws:rds:primaryDBInstanceArn', Value: 'arn:aws:rds:us-east-1:000000000000:db:evil' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      endpoint.client.send(
        new TagResourceCommand({
          SecretId: arn,
          Tags: [{ Key: 'aws:rds:primaryDBClusterArn', Value: CLUSTER_ARN }],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      endpoint.client.send(
        new UntagResourceCommand({ SecretId: arn, TagKeys: ['aws:rds:primaryDBInstanceArn'] }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    expect((await describeSecret(arn)).Tags).toEqual([
      { Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE_ARN },
    ]);
  });

  it('takes ordinary tags beside its aws: tags, which do not count against the 50', async () => {
    const { arn } = rdsInstanceSecret();
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));

    await endpoint.client.send(new TagResourceCommand({ SecretId: arn, Tags: fifty }));

    const tags = (await describeSecret(arn)).Tags ?? [];
    expect(tags).toHaveLength(51);
    expect(tags).toContainEqual({ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE_ARN });
  });

  it('refuses a second secret with the same name, and names AWS callers cannot use elsewhere', () => {
    const { name } = rdsInstanceSecret();
    const again = () =>
      endpoint.server.store.createManagedSecret({ name, secretString: 'v', owningService: 'rds', tags: [] });

    expect(again).toThrow(AwsServiceError);
    expect(again).toThrow(/already exists/);
    expect(() =>
      endpoint.server.store.createManagedSecret({
        name: 'bad name',
        secretString: 'v',
        owningService: 'rds',
        tags: [],
      }),
    ).toThrow(/Name must be/);
  });
});

describe('the managed-secret seam over HTTP', () => {
  const call = async (target: string, body: object) => {
    const response = await fetch(endpoint.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${target}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('is not an operation of the endpoint', async () => {
    const name = `rds!db-${randomUUID()}`;

    const response = await call('CreateManagedSecret', {
      name,
      secretString: VALUE,
      owningService: 'rds',
      tags: [],
    });

    expect(response).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
    expect(endpoint.server.store.all().some((record) => record.name === name)).toBe(false);
  });

  it('cannot be imitated by CreateSecret: an rds! name is refused, an OwningService field ignored', async () => {
    await expect(
      endpoint.client.send(new CreateSecretCommand({ Name: `rds!db-${randomUUID()}`, SecretString: 'v' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    const name = uniqueName('imitation');
    const created = await call('CreateSecret', { Name: name, SecretString: 'v', OwningService: 'rds' });

    expect(created.status).toBe(200);
    expect(await describeSecret(name)).not.toHaveProperty('OwningService');
  });
});

describe('a managed secret across a restart', () => {
  it('keeps its OwningService, aws: tags and value, from the journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-managed-'));
    try {
      const first = await startEndpoint({ dataDir: dir });
      const { arn, versionId } = rdsInstanceSecret(first.server.store);
      await first.close();

      const second = await startEndpoint({ dataDir: dir });
      const described = await describeSecret(arn, second.client);
      const got = await second.client.send(new GetSecretValueCommand({ SecretId: arn }));
      await second.close();

      expect(described).toMatchObject({
        OwningService: 'rds',
        Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: INSTANCE_ARN }],
      });
      expect(got.SecretString).toBe(VALUE);
      expect(got.VersionId).toBe(versionId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
