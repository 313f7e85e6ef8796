import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';
import { SecretsManagerStore } from '../../../shared/secrets/SecretsManagerStore.js';

const sm = mockClient(SecretsManagerClient);
const store = new SecretsManagerStore(new SecretsManagerClient({ region: 'us-east-1' }));
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf';
const TOKEN = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';

beforeEach(() => {
  sm.reset();
});

describe('SecretsManagerStore', () => {
  it('reduces DescribeSecret to the labels, the rotation flag and the tags', async () => {
    sm.on(DescribeSecretCommand).resolves({
      ARN,
      Name: 'app/db',
      RotationEnabled: true,
      VersionIdsToStages: { a: ['AWSCURRENT'], b: ['AWSPENDING'] },
      Tags: [{ Key: 'aws:rds:primaryDBInstanceArn', Value: 'arn:aws:rds:us-east-1:000000000000:db:orders' }],
    });

    const metadata = await store.describe('app/db');

    expect(metadata).toEqual({
      arn: ARN,
      name: 'app/db',
      rotationEnabled: true,
      versions: new Map([
        ['a', ['AWSCURRENT']],
        ['b', ['AWSPENDING']],
      ]),
      tags: new Map([['aws:rds:primaryDBInstanceArn', 'arn:aws:rds:us-east-1:000000000000:db:orders']]),
    });
  });

  it('names both the version and the stage when reading a pending value', async () => {
    sm.on(GetSecretValueCommand).resolves({ VersionId: TOKEN, SecretString: '{}' });

    await store.getValue(ARN, { versionId: TOKEN, stage: 'AWSPENDING' });

    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      VersionId: TOKEN,
      VersionStage: 'AWSPENDING',
    });
  });

  it('names the stage when reading the current value', async () => {
    sm.on(GetSecretValueCommand).resolves({ VersionId: 'a', SecretString: '{}' });

    await store.getValue(ARN, { stage: 'AWSCURRENT' });

    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      VersionStage: 'AWSCURRENT',
    });
  });

  it('returns undefined for a version without a value', async () => {
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: 'no value', $metadata: {} }),
    );

    await expect(store.getValue(ARN, { versionId: TOKEN, stage: 'AWSPENDING' })).resolves.toBeUndefined();
  });

  it('wraps other failures in a named error carrying the operation and secret', async () => {
    sm.on(UpdateSecretVersionStageCommand).rejects(
      new InvalidParameterException({ message: 'attached elsewhere', $metadata: {} }),
    );

    const failure = store.moveCurrent(ARN, TOKEN, 'a');

    await expect(failure).rejects.toBeInstanceOf(SecretsManagerCallError);
    await expect(failure).rejects.toMatchObject({
      operation: 'UpdateSecretVersionStage',
      secretId: ARN,
      awsErrorName: 'InvalidParameterException',
    });
  });

  it('stores a pending value under the token with the rotation token', async () => {
    sm.on(PutSecretValueCommand).resolves({});

    await store.putPending(ARN, TOKEN, '{"password":"x"}', 'rotation-token');

    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      ClientRequestToken: TOKEN,
      SecretString: '{"password":"x"}',
      VersionStages: ['AWSPENDING'],
      RotationToken: 'rotation-token',
    });
  });

  it('moves AWSCURRENT with RemoveFromVersionId', async () => {
    sm.on(UpdateSecretVersionStageCommand).resolves({});

    await store.moveCurrent(ARN, TOKEN, 'a');

    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'a',
    });
  });
});
