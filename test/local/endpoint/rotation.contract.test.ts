import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RotationRequest } from '../../../local/endpoint/RotationHooks.js';
import { dueRotations, startScheduledRotation } from '../../../local/endpoint/rotationOperations.js';
import { moveStage, putVersion, startEndpoint, token, uniqueName } from './endpointFixture.js';

const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:random-value';
const requests: RotationRequest[] = [];
let failTest: string | undefined;
const abandoned: string[] = [];
const now = Date.UTC(2026, 0, 1);

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint({
    clock: () => new Date(now),
    hooks: {
      async onRotateSecret(request) {
        requests.push(request);
        // A configuration test sees its temporary AWSPENDING version while it runs.
        if (!request.rotateImmediately) {
          const stages = endpoint.server.store
            .find(request.secretArn)
            .versions.find((v) => v.id === request.versionId)?.stages;
          if (!stages?.includes('AWSPENDING')) throw new Error('no temporary pending version');
          if (failTest !== undefined) throw new Error(failTest);
        }
      },
    },
    onEvent: (eventName, _arn, versionId) => abandoned.push(`${eventName}:${versionId}`),
  });
});
afterAll(async () => {
  await endpoint.close();
});
beforeEach(() => {
  requests.length = 0;
  failTest = undefined;
});

async function secret() {
  const name = uniqueName('rotation');
  const out = await endpoint.client.send(
    new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: token(1) }),
  );
  return { name, arn: out.ARN ?? '' };
}

const stagesOf = async (name: string) =>
  (await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {};

/** RotateSecret with a 30-day schedule; the rotation's token is token(2). */
const rotateEvery30Days = (name: string) =>
  endpoint.client.send(
    new RotateSecretCommand({
      SecretId: name,
      RotationLambdaARN: FUNCTION,
      RotationRules: { AutomaticallyAfterDays: 30 },
      ClientRequestToken: token(2),
    }),
  );

describe('RotateSecret', () => {
  it('stores the configuration, stages a value-less AWSPENDING version named by the token, and hands it over', async () => {
    const { name, arn } = await secret();

    const out = await rotateEvery30Days(name);

    expect(out.VersionId).toBe(token(2));
    expect(await stagesOf(name)).toEqual({ [token(1)]: ['AWSCURRENT'], [token(2)]: ['AWSPENDING'] });
    await expect(
      endpoint.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.RotationEnabled).toBe(true);
    expect(described.RotationLambdaARN).toBe(FUNCTION);
    expect(described.RotationRules?.AutomaticallyAfterDays).toBe(30);
    expect(described.NextRotationDate).toEqual(new Date(now + 30 * 86_400_000));
    expect(requests).toEqual([
      {
        secretArn: arn,
        secretName: name,
        versionId: token(2),
        functionArn: FUNCTION,
        rotateImmediately: true,
        trigger: 'api',
        complete: expect.any(Function),
      },
    ]);
  });

  it('records a rotation the runner completed: LastRotatedDate, and the next date counted from it', async () => {
    const { name } = await secret();
    await rotateEvery30Days(name);
    const finishedAt = now + 3_600_000;

    requests[0]?.complete(new Date(finishedAt));

    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.LastRotatedDate).toEqual(new Date(finishedAt));
    expect(described.NextRotationDate).toEqual(new Date(finishedAt + 30 * 86_400_000));
  });

  it('lets the placeholder be filled once by PutSecretValue', async () => {
    const { name } = await secret();
    await endpoint.client.send(
      new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, ClientRequestToken: token(2) }),
    );

    await endpoint.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: token(2),
        SecretString: 'v2',
        VersionStages: ['AWSPENDING'],
      }),
    );

    const pending = await endpoint.client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: token(2), VersionStage: 'AWSPENDING' }),
    );
    expect(pending.SecretString).toBe('v2');
  });

  it("fails while AWSPENDING is on a version that is not AWSCURRENT: a previous rotation isn't complete (moto inverts this)", async () => {
    const { name } = await secret();
    await endpoint.client.send(
      new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, ClientRequestToken: token(2) }),
    );

    const again = endpoint.client.send(
      new RotateSecretCommand({ SecretId: name, ClientRequestToken: token(3) }),
    );

    await expect(again).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(again).rejects.toThrow("A previous rotation isn't complete");
    expect(Object.keys(await stagesOf(name))).not.toContain(token(3));
  });

  it('starts again when AWSPENDING was left on the current version after a success', async () => {
    const { name } = await secret();
    await endpoint.client.send(
      new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, ClientRequestToken: token(2) }),
    );
    await endpoint.client.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: token(2),
        SecretString: 'v2',
        VersionStages: ['AWSPENDING'],
      }),
    );
    await moveStage(endpoint.client, name, 'AWSCURRENT', 2, 1);

    await endpoint.client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token(3) }));

    expect(await stagesOf(name)).toEqual({
      [token(1)]: ['AWSPREVIOUS'],
      [token(2)]: ['AWSCURRENT'],
      [token(3)]: ['AWSPENDING'],
    });
  });

  it('needs a rotation function, given now or stored before', async () => {
    const { name } = await secret();
    await expect(endpoint.client.send(new RotateSecretCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });

  // API_RotateSecret, InvalidRequestException: "You tried to enable rotation on a secret that
  // doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a
  // parameter in this call." Rules alone do not make a rotation.
  it('refuses rotation rules without a function on a secret that never had one, and changes nothing', async () => {
    const { name } = await secret();
    const before = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));

    await expect(
      endpoint.client.send(
        new RotateSecretCommand({ SecretId: name, RotationRules: { AutomaticallyAfterDays: 7 } }),
      ),
    ).rejects.toBeInstanceOf(InvalidRequestException);

    const after = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(after.RotationEnabled).toBeUndefined();
    expect(after.RotationRules).toBeUndefined();
    expect(after.VersionIdsToStages).toEqual(before.VersionIdsToStages);
  });

  it.each([
    [{ AutomaticallyAfterDays: 0 }],
    [{ AutomaticallyAfterDays: 1001 }],
    [{ ScheduleExpression: 'rate(1 hours)' }],
    [{ ScheduleExpression: 'cron(0 8 * * * *)' }],
    [{ ScheduleExpression: 'every day' }],
    [{ AutomaticallyAfterDays: 5, ScheduleExpression: 'rate(5 days)' }],
    [{ ScheduleExpression: 'rate(5 days)', Duration: '25h' }],
  ])('refuses invalid rotation rules %j and changes nothing', async (rules) => {
    const { name } = await secret();
    const before = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));

    await expect(
      endpoint.client.send(
        new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, RotationRules: rules }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    const after = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(after.RotationEnabled).toBe(before.RotationEnabled);
    expect(after.VersionIdsToStages).toEqual(before.VersionIdsToStages);
  });

  it('with RotateImmediately=false runs only the configuration test on a temporary version, then removes it', async () => {
    const { name } = await secret();

    await endpoint.client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: FUNCTION,
        RotationRules: { ScheduleExpression: 'rate(10 days)' },
        RotateImmediately: false,
        ClientRequestToken: token(2),
      }),
    );

    expect(requests.map((r) => r.rotateImmediately)).toEqual([false]);
    expect(await stagesOf(name)).toEqual({ [token(1)]: ['AWSCURRENT'] });
    expect(endpoint.server.store.find(name).versions.map((v) => v.id)).toEqual([token(1)]);
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.RotationEnabled).toBe(true);
    expect(described.NextRotationDate).toEqual(new Date(now + 10 * 86_400_000));
  });

  it('with RotateImmediately=false fails when the test fails, and keeps the old configuration', async () => {
    const { name } = await secret();
    failTest = 'cannot reach the database at db.internal:5432';

    const attempt = endpoint.client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: FUNCTION,
        RotateImmediately: false,
        ClientRequestToken: token(2),
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(attempt).rejects.toThrow('db.internal:5432');
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    // Never configured (the failed test kept nothing): API_DescribeSecret returns no RotationEnabled.
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.VersionIdsToStages).toEqual({ [token(1)]: ['AWSCURRENT'] });
  });
});

describe('CancelRotateSecret', () => {
  it('turns rotation off, reports the unfinished version, and leaves its label for the operator', async () => {
    const { name } = await secret();
    await endpoint.client.send(
      new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, ClientRequestToken: token(2) }),
    );

    const out = await endpoint.client.send(new CancelRotateSecretCommand({ SecretId: name }));

    expect(out.VersionId).toBe(token(2));
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.RotationEnabled).toBe(false);
    expect(described.NextRotationDate).toBeUndefined();
    expect(described.VersionIdsToStages?.[token(2)]).toEqual(['AWSPENDING']);
  });
});

describe('a manual new AWSCURRENT during a rotation', () => {
  it('abandons the rotation: AWSPENDING is removed and RotationAbandoned is published', async () => {
    const { name } = await secret();
    await endpoint.client.send(
      new RotateSecretCommand({ SecretId: name, RotationLambdaARN: FUNCTION, ClientRequestToken: token(2) }),
    );

    await putVersion(endpoint.client, name, 3, 'manual');

    expect(await stagesOf(name)).toEqual({ [token(1)]: ['AWSPREVIOUS'], [token(3)]: ['AWSCURRENT'] });
    expect(abandoned).toContain(`RotationAbandoned:${token(2)}`);
    await expect(
      endpoint.client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token(4) })),
    ).resolves.toBeDefined();
  });
});

describe('scheduled rotation', () => {
  it('is due once NextRotationDate passes, and an unfinished rotation is reattempted with its own token', async () => {
    const { name, arn } = await secret();
    await endpoint.client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: FUNCTION,
        RotationRules: { ScheduleExpression: 'rate(4 hours)' },
        ClientRequestToken: token(2),
      }),
    );
    const store = endpoint.server.store;
    expect(dueRotations(store, new Date(now)).map((d) => d.secretArn)).not.toContain(arn);

    const later = new Date(now + 5 * 3_600_000);
    expect(dueRotations(store, later).map((d) => d.secretArn)).toContain(arn);
    requests.length = 0;

    const versionId = await startScheduledRotation(store, arn);

    expect(versionId).toBe(token(2));
    expect(requests[0]).toMatchObject({ versionId: token(2), trigger: 'schedule', rotateImmediately: true });
  });
});
