import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, token, uniqueName } from './endpointFixture.js';

// The ClientRequestToken rules of
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html and
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html:
// "If a version with this value already exists and the version SecretString and SecretBinary values
// are the same as those in the request, then the request is ignored"; different values fail
// "because you cannot modify an existing version". AWS words that refusal as
// ResourceExistsException "You can't use ClientRequestToken <token> because that value is already
// in use for a version of secret <arn>."

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

const create = (name: string, value: string, n = 1) =>
  endpoint.client.send(
    new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token(n) }),
  );

describe('CreateSecret retried with its ClientRequestToken (API_CreateSecret)', () => {
  it('answers the original ARN, name and version for the same name, token and value, and creates nothing', async () => {
    const name = uniqueName('idempotent');
    const first = await create(name, 'v1');

    const again = await create(name, 'v1');

    expect(again).toMatchObject({ ARN: first.ARN, Name: name, VersionId: token(1) });
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [token(1)]: ['AWSCURRENT'] });
  });

  it("refuses the same token with another value in AWS's words, and keeps the value", async () => {
    const name = uniqueName('idempotent');
    const first = await create(name, 'v1');

    const refused = create(name, 'other');

    await expect(refused).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(refused).rejects.toThrow(
      `You can't use ClientRequestToken ${token(1)} because that value is already in use for a version of secret ${first.ARN}.`,
    );
    expect((await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(
      'v1',
    );
  });

  it('still refuses the name with another token: that is a second secret, not a retry', async () => {
    const name = uniqueName('idempotent');
    await create(name, 'v1');

    await expect(create(name, 'v1', 2)).rejects.toThrow(
      `The operation failed because the secret ${name} already exists.`,
    );
  });
});

describe('PutSecretValue retried with its ClientRequestToken (API_PutSecretValue)', () => {
  it("refuses the same token with another value with AWS's message", async () => {
    const name = uniqueName('idempotent');
    const { ARN } = await create(name, 'v1');
    const put = (value: string) =>
      endpoint.client.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: value, ClientRequestToken: token(2) }),
      );
    await put('v2');

    await expect(put('v2')).resolves.toMatchObject({ VersionId: token(2) });
    await expect(put('v3')).rejects.toThrow(
      `You can't use ClientRequestToken ${token(2)} because that value is already in use for a version of secret ${ARN}.`,
    );
  });
});

describe('the first version of a secret (API_PutSecretValue, API_CreateSecret)', () => {
  it('gets AWSCURRENT even when PutSecretValue asked only for AWSPENDING', async () => {
    const name = uniqueName('first');
    await endpoint.client.send(new CreateSecretCommand({ Name: name }));

    const out = await endpoint.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: 'v1',
        ClientRequestToken: token(1),
        VersionStages: ['AWSPENDING'],
      }),
    );

    expect(out.VersionStages?.sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect((await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(
      'v1',
    );
  });

  it('leaves the labels of a later version as asked', async () => {
    const name = uniqueName('first');
    await create(name, 'v1');

    const out = await endpoint.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: 'v2',
        ClientRequestToken: token(2),
        VersionStages: ['AWSPENDING'],
      }),
    );

    expect(out.VersionStages).toEqual(['AWSPENDING']);
  });
});
