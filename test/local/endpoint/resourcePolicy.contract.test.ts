import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  GetResourcePolicyCommand,
  MalformedPolicyDocumentException,
  PublicPolicyException,
  PutResourcePolicyCommand,
  ResourceNotFoundException,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, uniqueName } from './endpointFixture.js';

// API_PutResourcePolicy (BlockPublicPolicy: "block resource-based policies that allow broad access
// to the secret, for example those that use a wildcard for the principal"; PublicPolicyException;
// MalformedPolicyDocumentException), API_GetResourcePolicy, API_DeleteResourcePolicy,
// API_ValidateResourcePolicy (PolicyValidationPassed, ValidationErrors), all under
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/.

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

const policy = (principal: unknown) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: principal, Action: 'secretsmanager:GetSecretValue', Resource: '*' },
    ],
  });
const narrow = policy({ AWS: 'arn:aws:iam::000000000000:role/app' });
const wide = policy({ AWS: '*' });

async function secret() {
  const name = uniqueName('policy');
  await endpoint.client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
  return name;
}

describe('resource policies (API_PutResourcePolicy, API_GetResourcePolicy, API_DeleteResourcePolicy)', () => {
  it('stores the JSON as given, returns it, and deletes it', async () => {
    const name = await secret();
    expect(
      (await endpoint.client.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy,
    ).toBeUndefined();

    await endpoint.client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: narrow }));
    expect(
      (await endpoint.client.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy,
    ).toBe(narrow);

    await endpoint.client.send(new DeleteResourcePolicyCommand({ SecretId: name }));
    expect(
      (await endpoint.client.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy,
    ).toBeUndefined();
  });

  it('with BlockPublicPolicy refuses a policy whose principal is *, and stores nothing', async () => {
    const name = await secret();

    for (const principal of ['*', { AWS: '*' }, { AWS: ['arn:aws:iam::000000000000:root', '*'] }]) {
      await expect(
        endpoint.client.send(
          new PutResourcePolicyCommand({
            SecretId: name,
            ResourcePolicy: policy(principal),
            BlockPublicPolicy: true,
          }),
        ),
      ).rejects.toBeInstanceOf(PublicPolicyException);
    }
    expect(
      (await endpoint.client.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy,
    ).toBeUndefined();
    // By default public policies aren't blocked (API_PutResourcePolicy, BlockPublicPolicy).
    await endpoint.client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: wide }));
  });

  it('refuses a document that is not a policy, and a secret that does not exist', async () => {
    const name = await secret();
    for (const ResourcePolicy of ['{not json', '{"Statement": []}', '{"Statement": [{"Effect": "Maybe"}]}']) {
      await expect(
        endpoint.client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy })),
      ).rejects.toBeInstanceOf(MalformedPolicyDocumentException);
    }
    await expect(
      endpoint.client.send(
        new PutResourcePolicyCommand({ SecretId: uniqueName('never'), ResourcePolicy: narrow }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('ValidateResourcePolicy (API_ValidateResourcePolicy)', () => {
  it('passes a narrow policy and fails a public one with a reason, with or without a secret', async () => {
    const name = await secret();

    await expect(
      endpoint.client.send(new ValidateResourcePolicyCommand({ SecretId: name, ResourcePolicy: narrow })),
    ).resolves.toMatchObject({ PolicyValidationPassed: true, ValidationErrors: [] });
    const failed = await endpoint.client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: wide }));
    expect(failed.PolicyValidationPassed).toBe(false);
    expect(failed.ValidationErrors?.[0]?.ErrorMessage).toMatch(/broad access/);
    await expect(
      endpoint.client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: '{not json' })),
    ).rejects.toBeInstanceOf(MalformedPolicyDocumentException);
  });
});
