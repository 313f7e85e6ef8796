import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  InvalidParameterException,
  ListSecretsCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, uniqueName } from './endpointFixture.js';

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html: "Secrets
// Manager only returns fields that have a value"; RotationEnabled: "If the secret has never been
// configured for rotation, Secrets Manager returns null"; VersionIdsToStages lists "the versions of
// the secret that have staging labels attached".
describe('DescribeSecret of a secret with nothing configured (API_DescribeSecret)', () => {
  it('omits RotationEnabled and VersionIdsToStages, in ListSecrets too', async () => {
    const name = uniqueName('bare');
    await endpoint.client.send(new CreateSecretCommand({ Name: name }));

    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    const listed = await endpoint.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
    );

    expect(described).not.toHaveProperty('RotationEnabled');
    expect(described).not.toHaveProperty('VersionIdsToStages');
    expect(listed.SecretList?.[0]).not.toHaveProperty('RotationEnabled');
    expect(listed.SecretList?.[0]).not.toHaveProperty('SecretVersionsToStages');
  });
});

// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html:
// PasswordLength 1 to 4096; RequireEachIncludedType asks for "at least one upper and lowercase
// letter, one number, and one punctuation" — the space of IncludeSpace is allowed, not required.
describe('GetRandomPassword lengths (API_GetRandomPassword)', () => {
  it('accepts 4 characters with IncludeSpace and still includes each required type', async () => {
    for (let i = 0; i < 20; i++) {
      const { RandomPassword = '' } = await endpoint.client.send(
        new GetRandomPasswordCommand({ PasswordLength: 4, IncludeSpace: true }),
      );
      expect(RandomPassword).toHaveLength(4);
      expect(RandomPassword).toMatch(/[a-z]/);
      expect(RandomPassword).toMatch(/[A-Z]/);
      expect(RandomPassword).toMatch(/[0-9]/);
      expect(RandomPassword).toMatch(/[^A-Za-z0-9 ]/);
    }
  });

  it('accepts as many characters as there are included types, and 1 without RequireEachIncludedType', async () => {
    const two = await endpoint.client.send(
      new GetRandomPasswordCommand({ PasswordLength: 2, ExcludeNumbers: true, ExcludePunctuation: true }),
    );
    expect(two.RandomPassword).toMatch(/^(?=.*[a-z])(?=.*[A-Z]).{2}$/);
    const one = await endpoint.client.send(
      new GetRandomPasswordCommand({ PasswordLength: 1, RequireEachIncludedType: false, IncludeSpace: true }),
    );
    expect(one.RandomPassword).toHaveLength(1);
  });

  it('refuses fewer characters than required types, and lengths outside 1 to 4096', async () => {
    for (const PasswordLength of [3, 0, 4097]) {
      await expect(
        endpoint.client.send(new GetRandomPasswordCommand({ PasswordLength })),
      ).rejects.toBeInstanceOf(InvalidParameterException);
    }
    const long = await endpoint.client.send(new GetRandomPasswordCommand({ PasswordLength: 4096 }));
    expect(long.RandomPassword).toHaveLength(4096);
  });
});
