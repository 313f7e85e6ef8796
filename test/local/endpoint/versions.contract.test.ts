import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveStage, putVersion, startEndpoint, token, uniqueName } from './endpointFixture.js';

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

async function secretWithCurrent(value = 'v1') {
  const name = uniqueName();
  const created = await endpoint.client.send(
    new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token(1) }),
  );
  return { name, arn: created.ARN ?? '' };
}

async function stages(secretId: string) {
  const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: secretId }));
  return described.VersionIdsToStages ?? {};
}

describe('GetSecretValue', () => {
  it('returns AWSCURRENT when neither VersionId nor VersionStage is given', async () => {
    const { name } = await secretWithCurrent('first');
    await putVersion(endpoint.client, name, 2, 'second');

    const got = await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }));

    expect(got.SecretString).toBe('second');
    expect(got.VersionStages).toEqual(['AWSCURRENT']);
  });

  it('returns the new AWSCURRENT right after UpdateSecretVersionStage (moto returns a stale version)', async () => {
    const { name } = await secretWithCurrent('old');
    await putVersion(endpoint.client, name, 2, 'new', ['AWSPENDING']);

    await moveStage(endpoint.client, name, 'AWSCURRENT', 2, 1);

    const got = await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(got.VersionId).toBe(token(2));
    expect(got.SecretString).toBe('new');
  });

  it('fails with InvalidRequestException when VersionId and VersionStage name different versions', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2');

    await expect(
      endpoint.client.send(
        new GetSecretValueCommand({ SecretId: name, VersionId: token(1), VersionStage: 'AWSCURRENT' }),
      ),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    const both = await endpoint.client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: token(1), VersionStage: 'AWSPREVIOUS' }),
    );
    expect(both.SecretString).toBe('v1');
  });

  it('fails with ResourceNotFoundException for a version with no value', async () => {
    const name = uniqueName();
    await endpoint.client.send(new CreateSecretCommand({ Name: name }));

    await expect(endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('fails with ResourceNotFoundException for an unknown version or label', async () => {
    const { name } = await secretWithCurrent();
    await expect(
      endpoint.client.send(new GetSecretValueCommand({ SecretId: name, VersionId: token(9) })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      endpoint.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('returns binary secrets as bytes', async () => {
    const name = uniqueName();
    await endpoint.client.send(
      new CreateSecretCommand({ Name: name, SecretBinary: new Uint8Array([0, 1, 2, 255]) }),
    );

    const got = await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }));

    expect([...(got.SecretBinary ?? [])]).toEqual([0, 1, 2, 255]);
    expect(got.SecretString).toBeUndefined();
  });
});

describe('PutSecretValue', () => {
  it('is a no-op for the same token and the same value', async () => {
    const { name } = await secretWithCurrent();
    const first = await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING']);
    const again = await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING']);
    expect(again.VersionId).toBe(first.VersionId);
    expect(await stages(name)).toEqual({ [token(1)]: ['AWSCURRENT'], [token(2)]: ['AWSPENDING'] });
  });

  it('refuses the same token with a different value with ResourceExistsException (moto overwrites)', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING']);

    await expect(
      endpoint.client.send(
        new PutSecretValueCommand({
          SecretId: name,
          SecretString: 'other',
          ClientRequestToken: token(2),
          VersionStages: ['AWSPENDING'],
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
    const got = await endpoint.client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: token(2) }),
    );
    expect(got.SecretString).toBe('v2');
  });

  it('moves AWSCURRENT by default and AWSPREVIOUS follows it', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2');
    await putVersion(endpoint.client, name, 3, 'v3');

    expect(await stages(name)).toEqual({ [token(2)]: ['AWSPREVIOUS'], [token(3)]: ['AWSCURRENT'] });
  });

  it('moves a label from wherever it was, so no label is ever on two versions', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING', 'blue']);
    await putVersion(endpoint.client, name, 3, 'v3', ['AWSPENDING']);

    const all = Object.values(await stages(name)).flat();
    expect(all.filter((s) => s === 'AWSPENDING')).toHaveLength(1);
    expect((await stages(name))[token(3)]).toEqual(['AWSPENDING']);
    expect((await stages(name))[token(2)]).toEqual(['blue']);
  });

  it('rejects a ClientRequestToken shorter than 32 characters', async () => {
    const { name } = await secretWithCurrent();
    await expect(
      endpoint.client.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: 'short' }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('keeps only the newest 100 deprecated versions', async () => {
    const { name } = await secretWithCurrent();
    for (let i = 2; i <= 104; i++) {
      await putVersion(endpoint.client, name, i, `v${i}`);
    }

    const listed = await endpoint.client.send(
      new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, MaxResults: 100 }),
    );
    const next = await endpoint.client.send(
      new ListSecretVersionIdsCommand({
        SecretId: name,
        IncludeDeprecated: true,
        NextToken: listed.NextToken,
      }),
    );
    expect(listed.Versions).toHaveLength(100);
    const all = endpoint.server.store.find(name).versions.map((v) => v.id);
    expect(all).toHaveLength(102);
    expect(all).not.toContain(token(1));
    expect(all).toContain(token(3));
    expect(next.Versions?.length).toBe(2);
    expect(next.NextToken).toBeUndefined();
    const labelled = await endpoint.client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(labelled.Versions?.map((v) => v.VersionId).sort()).toEqual([token(103), token(104)]);
  });
});

describe('UpdateSecretVersionStage', () => {
  it('requires RemoveFromVersionId naming the version that holds the label', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING']);
    const before = await stages(name);

    await expect(
      endpoint.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token(2),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      endpoint.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token(2),
          RemoveFromVersionId: token(2),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect(await stages(name)).toEqual(before);
  });

  it('changes nothing when it fails (moto half-applies the move)', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2');
    const before = await stages(name);

    await expect(
      endpoint.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token(9),
          RemoveFromVersionId: token(2),
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await stages(name)).toEqual(before);
    expect((await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).VersionId).toBe(
      token(2),
    );
  });

  it('moves AWSPREVIOUS to the version that lost AWSCURRENT', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING']);

    await moveStage(endpoint.client, name, 'AWSCURRENT', 2, 1);

    expect(await stages(name)).toEqual({
      [token(1)]: ['AWSPREVIOUS'],
      [token(2)]: ['AWSPENDING', 'AWSCURRENT'],
    });
  });

  it('removes a label with RemoveFromVersionId alone, but never AWSCURRENT', async () => {
    const { name } = await secretWithCurrent();
    await putVersion(endpoint.client, name, 2, 'v2', ['AWSPENDING']);

    await moveStage(endpoint.client, name, 'AWSPENDING', undefined, 2);
    await expect(
      endpoint.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          RemoveFromVersionId: token(1),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect(await stages(name)).toEqual({ [token(1)]: ['AWSCURRENT'] });
  });
});
