import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerServiceException,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestQuotas } from '../../../local/endpoint/RequestQuotas.js';
import { startEndpoint, token, uniqueName } from './endpointFixture.js';

// AWS Secrets Manager quotas (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html):
// "Combined rate of PutSecretValue, RemoveRegionsFromReplication, ReplicateSecretToRegion,
// StopReplicationToReplica, UpdateSecret, and UpdateSecretVersionStage API requests: Each supported
// Region: 50 per second"; "each quota is specific to each region". Past a quota AWS "rejects an
// otherwise valid request and returns a throttling error", which the SDK retries.

let clock = 0;
let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
let live: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint({ quotas: new RequestQuotas(undefined, () => clock) });
  live = await startEndpoint({ quotas: new RequestQuotas() });
});
afterAll(async () => {
  await endpoint.close();
  await live.close();
});

const outcomes = (results: PromiseSettledResult<unknown>[]) => ({
  ok: results.filter((r) => r.status === 'fulfilled').length,
  throttled: results.filter(
    (r) =>
      r.status === 'rejected' &&
      (r.reason as SecretsManagerServiceException).name === 'ThrottlingException' &&
      (r.reason as SecretsManagerServiceException).$metadata.httpStatusCode === 400,
  ).length,
});

describe('request quotas (AWS Secrets Manager quotas)', () => {
  it('throttles the 51st write of a second with ThrottlingException (HTTP 400), writes combined', async () => {
    const name = uniqueName('quota');
    await endpoint.client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));

    const updates = await Promise.allSettled(
      Array.from({ length: 40 }, () =>
        endpoint.client.send(new UpdateSecretCommand({ SecretId: name, Description: 'd' })),
      ),
    );
    const puts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        endpoint.client.send(
          new PutSecretValueCommand({
            SecretId: name,
            SecretString: `v${i}`,
            ClientRequestToken: token(100 + i),
          }),
        ),
      ),
    );

    expect(outcomes(updates)).toEqual({ ok: 40, throttled: 0 });
    expect(outcomes(puts)).toEqual({ ok: 10, throttled: 10 });
    // Reads have their own, far higher, quota.
    await expect(endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).resolves.toBeDefined();
  });

  it('keeps a bucket per Region, and refills it at the quota rate', async () => {
    const name = uniqueName('quota');
    const west = endpoint.clientFor('eu-west-1');
    await west.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const burst = (count: number) =>
      Promise.allSettled(
        Array.from({ length: count }, () =>
          west.send(new UpdateSecretCommand({ SecretId: name, Description: 'd' })),
        ),
      );

    expect(outcomes(await burst(55))).toEqual({ ok: 50, throttled: 5 });
    clock += 100;
    expect(outcomes(await burst(10))).toEqual({ ok: 5, throttled: 5 });
  });

  it("is absorbed by the SDK's own retries of ThrottlingException", async () => {
    const name = uniqueName('quota');
    const client = live.clientFor('us-east-1', 10);
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));

    const results = await Promise.allSettled(
      Array.from({ length: 80 }, () =>
        client.send(new UpdateSecretCommand({ SecretId: name, Description: 'd' })),
      ),
    );

    expect(outcomes(results)).toEqual({ ok: 80, throttled: 0 });
  });
});
