import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, uniqueName } from './endpointFixture.js';

// Secrets Manager is regional: "Secrets Manager is a regional service and only secrets within the
// selected region are returned" (Find secrets in Secrets Manager,
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_search-secret.html); each
// Region has its own ARNs (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>,
// API_CreateSecret). The SDK signs every request for its Region (the SigV4 credential scope), which
// is how the one local endpoint tells the Regions apart.

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint({ accountId: '123456789012' });
});
afterAll(async () => {
  await endpoint.close();
});

describe('one endpoint, several Regions', () => {
  it('keeps a secret of the same name in each Region apart, each with its own ARN and value', async () => {
    const name = uniqueName('regional');
    const east = endpoint.clientFor('us-east-1');
    const west = endpoint.clientFor('eu-west-1');

    const a = await east.send(new CreateSecretCommand({ Name: name, SecretString: 'east' }));
    const b = await west.send(new CreateSecretCommand({ Name: name, SecretString: 'west' }));

    expect(a.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-\\w{6}$`),
    );
    expect(b.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-\\w{6}$`),
    );
    expect((await east.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('east');
    expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('west');
  });

  it('lists only the secrets of the Region asked', async () => {
    const name = uniqueName('only-in');
    await endpoint
      .clientFor('ap-southeast-2')
      .send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));

    const listed = async (region: string) =>
      (
        (
          await endpoint
            .clientFor(region)
            .send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }))
        ).SecretList ?? []
      ).map((s) => s.ARN?.split(':')[3]);

    expect(await listed('ap-southeast-2')).toEqual(['ap-southeast-2']);
    expect(await listed('us-east-1')).toEqual([]);
  });

  it('resolves full and partial ARNs in their Region, and not in another', async () => {
    const name = uniqueName('by-arn');
    const west = endpoint.clientFor('eu-west-1');
    const { ARN = '' } = await west.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));

    for (const id of [ARN, ARN.slice(0, -7)]) {
      expect((await west.send(new DescribeSecretCommand({ SecretId: id }))).ARN).toBe(ARN);
      await expect(
        endpoint.clientFor('us-west-2').send(new DescribeSecretCommand({ SecretId: id })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    }
  });

  it('serves an unsigned request in its default Region', async () => {
    const name = uniqueName('unsigned');
    const response = await fetch(endpoint.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.CreateSecret',
      },
      body: JSON.stringify({ Name: name, SecretString: 'v' }),
    });
    const { ARN } = (await response.json()) as { ARN: string };

    expect(ARN.split(':').slice(3, 5)).toEqual(['us-east-1', '123456789012']);
    await expect(endpoint.client.send(new DescribeSecretCommand({ SecretId: name }))).resolves.toMatchObject({
      ARN,
    });
  });
});
