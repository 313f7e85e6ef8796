import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  UpdateSecretCommand,
  type UpdateSecretCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, token, uniqueName } from './endpointFixture.js';

// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecret.html: "If you
// include SecretString or SecretBinary to create a new secret version, Secrets Manager automatically
// moves the staging label AWSCURRENT to the new version. Then it attaches the label AWSPREVIOUS to
// the version that AWSCURRENT was removed from." A ClientRequestToken naming an existing version
// with another value fails: "You can't modify an existing version"; the same value again is the
// SDK's retry and is answered as before.

let now = Date.UTC(2026, 0, 1);
let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint({ clock: () => new Date(now) });
});
afterAll(async () => {
  await endpoint.close();
});

async function secret() {
  const name = uniqueName('update');
  const { ARN = '' } = await endpoint.client.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: 'v1',
      ClientRequestToken: token(1),
      Description: 'one',
    }),
  );
  return { name, arn: ARN };
}

const update = (input: Omit<UpdateSecretCommandInput, 'SecretId'>, id: string) =>
  endpoint.client.send(new UpdateSecretCommand({ SecretId: id, ...input }));

describe('UpdateSecret (API_UpdateSecret)', () => {
  it('stores a new value as AWSCURRENT; AWSPREVIOUS moves to the old version; LastChangedDate moves', async () => {
    const { name, arn } = await secret();
    now += 60_000;

    const out = await update({ SecretString: 'v2', ClientRequestToken: token(2) }, name);

    expect(out).toEqual(expect.objectContaining({ ARN: arn, Name: name, VersionId: token(2) }));
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [token(1)]: ['AWSPREVIOUS'], [token(2)]: ['AWSCURRENT'] });
    expect(described.LastChangedDate).toEqual(new Date(now));
    expect((await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(
      'v2',
    );
  });

  // API_DescribeSecret, LastAccessedDate: "The date that the secret was last accessed in the
  // Region. This field is omitted if the secret has never been retrieved in the Region." UpdateSecret
  // writes; it retrieves nothing.
  it('leaves LastAccessedDate out until the secret is read, and an update does not set it', async () => {
    const { name } = await secret();
    await update({ SecretString: 'v2', ClientRequestToken: token(2), Description: 'two' }, name);

    const updated = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(updated.LastAccessedDate).toBeUndefined();
    expect(updated.LastChangedDate).toEqual(new Date(now));

    await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }));
    const read = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(read.LastAccessedDate).toEqual(new Date(Math.floor(now / 86_400_000) * 86_400_000));
  });

  it('changes the description and KMS key without a new version; an empty KmsKeyId is the AWS managed key', async () => {
    const { name } = await secret();

    const out = await update({ Description: 'two', KmsKeyId: 'alias/orders' }, name);

    expect(out.VersionId).toBeUndefined();
    let described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described).toMatchObject({ Description: 'two', KmsKeyId: 'alias/orders' });
    expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([token(1)]);

    await update({ KmsKeyId: '' }, name);
    described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.KmsKeyId).toBeUndefined();
  });

  it('answers a retry with the same token and value as before, and refuses another value under that token', async () => {
    const { name, arn } = await secret();
    await update({ SecretString: 'v2', ClientRequestToken: token(2) }, name);

    await expect(update({ SecretString: 'v2', ClientRequestToken: token(2) }, name)).resolves.toMatchObject({
      VersionId: token(2),
    });
    const refused = update({ SecretString: 'v3', ClientRequestToken: token(2) }, name);
    await expect(refused).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(refused).rejects.toThrow(
      `You can't use ClientRequestToken ${token(2)} because that value is already in use for a version of secret ${arn}.`,
    );
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(Object.keys(described.VersionIdsToStages ?? {}).sort()).toEqual([token(1), token(2)]);
  });

  it('abandons an unfinished rotation, as a manual new AWSCURRENT does', async () => {
    const { name } = await secret();
    await endpoint.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: 'p',
        ClientRequestToken: token(2),
        VersionStages: ['AWSPENDING'],
      }),
    );

    await update({ SecretString: 'v3', ClientRequestToken: token(3) }, name);

    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [token(1)]: ['AWSPREVIOUS'], [token(3)]: ['AWSCURRENT'] });
  });

  it('is refused while the secret is scheduled for deletion, and for a secret that does not exist', async () => {
    const { name } = await secret();
    await endpoint.client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));

    await expect(update({ SecretString: 'v2' }, name)).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(update({ Description: 'x' }, uniqueName('never'))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
