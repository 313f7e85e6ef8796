import {
  BatchGetSecretValueCommand,
  type BatchGetSecretValueCommandInput,
  CreateSecretCommand,
  DeleteSecretCommand,
  InvalidParameterException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, uniqueName } from './endpointFixture.js';

// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html:
// "Retrieves the contents of the encrypted fields SecretString or SecretBinary for up to 20
// secrets"; "You must include Filters or SecretIdList, but not both"; MaxResults (1-20) only with
// Filters; "If Secrets Manager encounters errors ... you can see the errors in Errors".

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
const prefix = uniqueName('batch');
const arns: string[] = [];
beforeAll(async () => {
  endpoint = await startEndpoint();
  for (let i = 0; i < 5; i++) {
    const out = await endpoint.client.send(
      new CreateSecretCommand({ Name: `${prefix}/s${i}`, SecretString: `value-${i}` }),
    );
    arns.push(out.ARN ?? '');
  }
});
afterAll(async () => {
  await endpoint.close();
});

const batch = (input: BatchGetSecretValueCommandInput) =>
  endpoint.client.send(new BatchGetSecretValueCommand(input));

describe('BatchGetSecretValue (API_BatchGetSecretValue)', () => {
  it('returns the AWSCURRENT value of each secret named, and an error entry for each it cannot read', async () => {
    const deleted = `${prefix}/s4`;
    await endpoint.client.send(new DeleteSecretCommand({ SecretId: deleted, RecoveryWindowInDays: 7 }));

    const out = await batch({ SecretIdList: [`${prefix}/s0`, arns[1] ?? '', 'no/such/secret', deleted] });

    expect(out.SecretValues?.map((v) => [v.Name, v.SecretString, v.VersionStages])).toEqual([
      [`${prefix}/s0`, 'value-0', ['AWSCURRENT']],
      [`${prefix}/s1`, 'value-1', ['AWSCURRENT']],
    ]);
    expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
      ['no/such/secret', 'ResourceNotFoundException'],
      [deleted, 'InvalidRequestException'],
    ]);
  });

  it('pages through the secrets that match Filters', async () => {
    const Filters = [{ Key: 'name' as const, Values: [`${prefix}/`] }];
    const first = await batch({ Filters, MaxResults: 2 });
    const second = await batch({ Filters, MaxResults: 2, NextToken: first.NextToken });

    expect(first.SecretValues?.map((v) => v.SecretString)).toEqual(['value-0', 'value-1']);
    expect(second.SecretValues?.map((v) => v.SecretString)).toEqual(['value-2', 'value-3']);
    expect(second.NextToken).toBeUndefined();
  });

  it('refuses both SecretIdList and Filters, neither, MaxResults without Filters, and more than 20 ids', async () => {
    const Filters = [{ Key: 'name' as const, Values: [prefix] }];
    for (const input of [
      { SecretIdList: [`${prefix}/s0`], Filters },
      {},
      { SecretIdList: [`${prefix}/s0`], MaxResults: 5 },
      { SecretIdList: Array.from({ length: 21 }, (_, i) => `x${i}`) },
    ]) {
      await expect(batch(input)).rejects.toBeInstanceOf(InvalidParameterException);
    }
  });
});
