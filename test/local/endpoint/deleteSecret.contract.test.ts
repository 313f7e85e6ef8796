import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  InvalidParameterException,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, uniqueName } from './endpointFixture.js';

// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html,
// ForceDeleteWithoutRecovery: "If you forcibly delete an already deleted or nonexistent secret, the
// operation does not return ResourceNotFoundException." The call succeeds (the retry of a delete
// that went through is not an error), answering the name it was given and the time of deletion.

const now = Date.UTC(2026, 0, 1);
let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint({ clock: () => new Date(now) });
});
afterAll(async () => {
  await endpoint.close();
});

const forceDelete = (secretId: string) =>
  endpoint.client.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));

describe('DeleteSecret with ForceDeleteWithoutRecovery (API_DeleteSecret)', () => {
  it('succeeds for a secret that never existed, by name and by ARN', async () => {
    const name = uniqueName('never');
    await expect(forceDelete(name)).resolves.toMatchObject({ Name: name, DeletionDate: new Date(now) });
    const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`;
    await expect(forceDelete(arn)).resolves.toMatchObject({ ARN: arn, DeletionDate: new Date(now) });
  });

  it('succeeds again for a secret it already deleted', async () => {
    const name = uniqueName('twice');
    const { ARN } = await endpoint.client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));

    await expect(forceDelete(name)).resolves.toMatchObject({ ARN, Name: name });
    await expect(forceDelete(name)).resolves.toMatchObject({ Name: name });
  });

  it('deletes at once a secret already scheduled for deletion', async () => {
    const name = uniqueName('scheduled');
    const { ARN } = await endpoint.client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await endpoint.client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));

    await expect(forceDelete(ARN ?? '')).resolves.toMatchObject({ ARN, DeletionDate: new Date(now) });

    await expect(endpoint.client.send(new DescribeSecretCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('still answers ResourceNotFoundException without ForceDeleteWithoutRecovery', async () => {
    await expect(
      endpoint.client.send(new DeleteSecretCommand({ SecretId: uniqueName('never') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('checks its parameters before it looks for the secret', async () => {
    const missing = uniqueName('never');
    for (const bad of [
      { RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true },
      { RecoveryWindowInDays: 3 },
    ]) {
      await expect(
        endpoint.client.send(new DeleteSecretCommand({ SecretId: missing, ...bad })),
      ).rejects.toBeInstanceOf(InvalidParameterException);
    }
  });
});
