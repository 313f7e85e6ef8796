import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  ListSecretsCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveStage, startEndpoint, token, uniqueName } from './endpointFixture.js';

// Multi-Region secrets: API_CreateSecret (AddReplicaRegions, ForceOverwriteReplicaSecret),
// API_ReplicateSecretToRegions, API_RemoveRegionsFromReplication, API_StopReplicationToReplica ("The
// replica ARN is the same as the original primary secret ARN expect the Region is changed to the
// replica Region"), API_DescribeSecret (PrimaryRegion, ReplicationStatus), API_DeleteSecret ("You
// can't delete a primary secret that is replicated to other Regions. You must first delete the
// replicas using RemoveRegionsFromReplication"), and the user guide's "A replica secret can't be
// updated independently from its primary secret"
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/standalone-secret.html).

const PRIMARY = 'us-east-1';
const REPLICA = 'eu-west-1';
const REFUSED = "Operation not permitted on a replica secret. Call must be made in primary secret's region.";

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
let primary: ReturnType<typeof endpoint.clientFor>;
let replica: ReturnType<typeof endpoint.clientFor>;
beforeAll(async () => {
  endpoint = await startEndpoint();
  primary = endpoint.clientFor(PRIMARY);
  replica = endpoint.clientFor(REPLICA);
});
afterAll(async () => {
  await endpoint.close();
});

async function replicated(name = uniqueName('replicated')) {
  const out = await primary.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: 'v1',
      ClientRequestToken: token(1),
      AddReplicaRegions: [{ Region: REPLICA, KmsKeyId: 'alias/eu-key' }],
    }),
  );
  return { name, arn: out.ARN ?? '', out };
}

const stages = async (client: typeof primary, name: string) =>
  (await client.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages;

describe('a secret created with AddReplicaRegions', () => {
  it('is readable in the replica Region under the same name, with the ARN of that Region', async () => {
    const { name, arn, out } = await replicated();

    expect(out.ReplicationStatus).toEqual([{ Region: REPLICA, KmsKeyId: 'alias/eu-key', Status: 'InSync' }]);
    const read = await replica.send(new GetSecretValueCommand({ SecretId: name }));
    expect(read.SecretString).toBe('v1');
    expect(read.ARN).toBe(arn.replace(`:${PRIMARY}:`, `:${REPLICA}:`));
    const described = await replica.send(new DescribeSecretCommand({ SecretId: read.ARN }));
    expect(described).toMatchObject({ PrimaryRegion: PRIMARY, KmsKeyId: 'alias/eu-key' });
    expect(described.ReplicationStatus).toBeUndefined();
    const primaryView = await primary.send(new DescribeSecretCommand({ SecretId: name }));
    expect(primaryView.PrimaryRegion).toBe(PRIMARY);
    expect(primaryView.ReplicationStatus).toMatchObject([{ Region: REPLICA, Status: 'InSync' }]);
  });

  it('is found in the replica Region by the primary-region filter of ListSecrets (API_Filter)', async () => {
    const { name } = await replicated();

    const listed = await replica.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [name] },
          { Key: 'primary-region', Values: ['us-east'] },
        ],
      }),
    );

    expect(listed.SecretList?.map((s) => [s.Name, s.PrimaryRegion])).toEqual([[name, PRIMARY]]);
  });

  it('is read-only in the replica Region', async () => {
    const { name } = await replicated();
    const writes = [
      () =>
        replica.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'x', ClientRequestToken: token(9) }),
        ),
      () => replica.send(new UpdateSecretCommand({ SecretId: name, Description: 'x' })),
      () => replica.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'k', Value: 'v' }] })),
      () => replica.send(new DeleteSecretCommand({ SecretId: name })),
    ];
    for (const write of writes) {
      const refused = write();
      await expect(refused).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(refused).rejects.toThrow(REFUSED);
    }
    expect((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
  });

  it('follows the values and labels of its primary, a rotation included', async () => {
    const { name } = await replicated();
    await primary.send(
      new UpdateSecretCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: token(2) }),
    );
    expect((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v2');

    // A rotation's steps as a function makes them: the placeholder, its value, the label move.
    await primary.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: `arn:aws:lambda:${PRIMARY}:000000000000:function:random-value`,
        ClientRequestToken: token(3),
      }),
    );
    expect(await stages(replica, name)).toEqual(await stages(primary, name));
    await primary.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: 'v3',
        ClientRequestToken: token(3),
        VersionStages: ['AWSPENDING'],
      }),
    );
    await moveStage(primary, name, 'AWSCURRENT', 3, 2);

    expect(await stages(replica, name)).toEqual(await stages(primary, name));
    expect(await stages(replica, name)).toMatchObject({ [token(3)]: expect.arrayContaining(['AWSCURRENT']) });
    expect((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v3');
    const rotation = await replica.send(new DescribeSecretCommand({ SecretId: name }));
    expect(rotation.RotationEnabled).toBe(true);
  });
});

describe('deleting a replicated secret (API_DeleteSecret, API_RemoveRegionsFromReplication)', () => {
  it('is refused while replicas exist; RemoveRegionsFromReplication deletes the replica at once', async () => {
    const { name, arn } = await replicated();

    const refused = primary.send(new DeleteSecretCommand({ SecretId: name }));
    await expect(refused).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(refused).rejects.toThrow(
      `You can't delete secret ${arn} that still has replica regions [${REPLICA}].`,
    );

    const removed = await primary.send(
      new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [REPLICA] }),
    );
    expect(removed.ReplicationStatus).toEqual([]);
    await expect(replica.send(new DescribeSecretCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(primary.send(new DeleteSecretCommand({ SecretId: name }))).resolves.toMatchObject({
      ARN: arn,
    });
  });
});

describe('ReplicateSecretToRegions (API_ReplicateSecretToRegions)', () => {
  it('replicates an existing secret, and reports a Region holding another secret of that name as Failed', async () => {
    const name = uniqueName('later');
    await primary.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    await endpoint
      .clientFor('ap-south-1')
      .send(new CreateSecretCommand({ Name: name, SecretString: 'theirs' }));

    const out = await primary.send(
      new ReplicateSecretToRegionsCommand({
        SecretId: name,
        AddReplicaRegions: [{ Region: REPLICA }, { Region: 'ap-south-1' }],
      }),
    );

    expect(out.ReplicationStatus).toEqual([
      { Region: REPLICA, Status: 'InSync' },
      {
        Region: 'ap-south-1',
        Status: 'Failed',
        StatusMessage: 'Secret with this name already exists in this region',
      },
    ]);
    expect((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
    const other = endpoint.clientFor('ap-south-1');
    expect((await other.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('theirs');

    const forced = await primary.send(
      new ReplicateSecretToRegionsCommand({
        SecretId: name,
        AddReplicaRegions: [{ Region: 'ap-south-1' }],
        ForceOverwriteReplicaSecret: true,
      }),
    );
    expect(forced.ReplicationStatus?.map((s) => s.Status)).toEqual(['InSync', 'InSync']);
    expect((await other.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
  });

  it("refuses the primary's own Region", async () => {
    const name = uniqueName('self');
    await primary.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));

    await expect(
      primary.send(
        new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: PRIMARY }] }),
      ),
    ).rejects.toThrow("You can't replicate a secret to the same Region as the primary secret.");
  });
});

describe('StopReplicationToReplica (API_StopReplicationToReplica)', () => {
  it('promotes the replica to a standalone secret in its Region, which the primary no longer changes', async () => {
    const { name, arn } = await replicated();
    const replicaArn = arn.replace(`:${PRIMARY}:`, `:${REPLICA}:`);

    await expect(
      replica.send(new StopReplicationToReplicaCommand({ SecretId: name })),
    ).resolves.toMatchObject({
      ARN: replicaArn,
    });

    await primary.send(
      new UpdateSecretCommand({ SecretId: name, SecretString: 'primary-only', ClientRequestToken: token(5) }),
    );
    await replica.send(
      new UpdateSecretCommand({ SecretId: name, SecretString: 'replica-only', ClientRequestToken: token(6) }),
    );
    expect((await replica.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(
      'replica-only',
    );
    expect((await primary.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(
      'primary-only',
    );
    const described = await primary.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.ReplicationStatus).toBeUndefined();
    expect((await replica.send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion).toBeUndefined();
  });
});
