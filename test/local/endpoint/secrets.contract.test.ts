import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, uniqueName } from './endpointFixture.js';

let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
let now = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  endpoint = await startEndpoint({ clock: () => new Date(now) });
});
afterAll(async () => {
  await endpoint.close();
});

async function create(
  name = uniqueName(),
  extra: Partial<{ Description: string; Tags: { Key: string; Value: string }[] }> = {},
) {
  const out = await endpoint.client.send(
    new CreateSecretCommand({ Name: name, SecretString: 'value', ...extra }),
  );
  return { name, arn: out.ARN ?? '' };
}

async function raw(target: string, body: string) {
  const response = await fetch(endpoint.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('secret identifiers', () => {
  it('gives ARNs with a six-character random suffix', async () => {
    const { name, arn } = await create();
    expect(arn).toMatch(
      new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-[A-Za-z0-9]{6}$`),
    );
  });

  it('finds a secret by name, full ARN and partial ARN', async () => {
    const { name, arn } = await create();
    for (const id of [name, arn, arn.slice(0, -7)]) {
      const got = await endpoint.client.send(new GetSecretValueCommand({ SecretId: id }));
      expect(got.ARN).toBe(arn);
    }
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expect(
      endpoint.client.send(new DescribeSecretCommand({ SecretId: 'no/such/secret' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses a second secret with the same name with ResourceExistsException', async () => {
    const { name } = await create();
    await expect(create(name)).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('refuses names with characters AWS does not allow', async () => {
    await expect(create('bad name!')).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('the wire protocol', () => {
  it('answers errors as HTTP 400 with __type and message', async () => {
    const response = await raw('secretsmanager.DescribeSecret', JSON.stringify({ SecretId: 'missing/one' }));
    expect(response.status).toBe(400);
    expect(response.body['__type']).toBe('ResourceNotFoundException');
    expect(typeof response.body['message']).toBe('string');
  });

  it('answers an unknown operation and malformed JSON with their own exceptions', async () => {
    expect((await raw('secretsmanager.Teleport', '{}')).body['__type']).toBe('UnknownOperationException');
    expect((await raw('secretsmanager.ListSecrets', '{not json')).body['__type']).toBe(
      'SerializationException',
    );
    expect((await raw('secretsmanager.DescribeSecret', JSON.stringify({ SecretId: 7 }))).body['__type']).toBe(
      'SerializationException',
    );
  });

  it('never puts a secret value into an error message', async () => {
    const { name } = await create();
    const response = await raw(
      'secretsmanager.PutSecretValue',
      JSON.stringify({
        SecretId: name,
        SecretString: 'x'.repeat(70_000),
        ClientRequestToken: 'a'.repeat(32),
      }),
    );
    expect(response.body['__type']).toBe('InvalidParameterException');
    expect(JSON.stringify(response.body)).not.toContain('xxxxxxxx');
  });
});

describe('DescribeSecret and ListSecrets', () => {
  it('describes dates as dates and omits what is not set', async () => {
    const { name } = await create(uniqueName(), { Description: 'orders db' });
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.CreatedDate).toEqual(new Date(now));
    expect(described.Description).toBe('orders db');
    // API_DescribeSecret: "If the secret has never been configured for rotation, Secrets Manager returns null."
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
    expect(described.DeletedDate).toBeUndefined();
  });

  it('filters by name prefix and tag, with negation, and pages', async () => {
    const prefix = uniqueName('list');
    for (let i = 0; i < 5; i++) {
      await create(`${prefix}/s${i}`, { Tags: [{ Key: 'team', Value: i % 2 === 0 ? 'orders' : 'billing' }] });
    }
    const byName = await endpoint.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }] }),
    );
    expect(byName.SecretList).toHaveLength(5);

    const orders = await endpoint.client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [prefix] },
          { Key: 'tag-value', Values: ['orders'] },
        ],
      }),
    );
    expect(orders.SecretList?.map((s) => s.Name).sort()).toEqual([
      `${prefix}/s0`,
      `${prefix}/s2`,
      `${prefix}/s4`,
    ]);

    const notOrders = await endpoint.client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [prefix] },
          { Key: 'tag-value', Values: ['!orders'] },
        ],
      }),
    );
    expect(notOrders.SecretList).toHaveLength(2);

    const first = await endpoint.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 3 }),
    );
    const second = await endpoint.client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: [prefix] }],
        MaxResults: 3,
        NextToken: first.NextToken,
      }),
    );
    expect(first.SecretList).toHaveLength(3);
    expect(second.SecretList).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect(first.SecretList?.[0]?.SecretVersionsToStages).toBeDefined();
  });
});

describe('deletion', () => {
  it('schedules deletion in a recovery window, refuses use meanwhile, and restores', async () => {
    const { name } = await create();
    const deleted = await endpoint.client.send(
      new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }),
    );
    expect(deleted.DeletionDate).toEqual(new Date(now + 7 * 86_400_000));

    await expect(endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.DeletedDate).toEqual(deleted.DeletionDate);
    const listed = await endpoint.client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
    );
    expect(listed.SecretList).toHaveLength(0);
    await expect(create(name)).rejects.toBeInstanceOf(InvalidRequestException);

    await endpoint.client.send(new RestoreSecretCommand({ SecretId: name }));
    expect((await endpoint.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(
      'value',
    );
  });

  it('purges the secret once the recovery window has passed', async () => {
    const { name } = await create();
    await endpoint.client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));

    now += 8 * 86_400_000;

    await expect(endpoint.client.send(new DescribeSecretCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('deletes at once with ForceDeleteWithoutRecovery, and refuses it combined with a window', async () => {
    const { name } = await create();
    await expect(
      endpoint.client.send(
        new DeleteSecretCommand({
          SecretId: name,
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    await endpoint.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));

    await expect(endpoint.client.send(new DescribeSecretCommand({ SecretId: name }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(create(name)).resolves.toBeDefined();
  });

  it('refuses a recovery window outside 7 to 30 days', async () => {
    const { name } = await create();
    await expect(
      endpoint.client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 3 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('tags', () => {
  it('adds, replaces and removes tags', async () => {
    const { name } = await create(uniqueName(), { Tags: [{ Key: 'a', Value: '1' }] });
    await endpoint.client.send(
      new TagResourceCommand({
        SecretId: name,
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ],
      }),
    );
    await endpoint.client.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['b'] }));

    const described = await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.Tags).toEqual([{ Key: 'a', Value: '2' }]);
  });
});

// AWS reserves the aws: tag prefix: "Do not use the aws: prefix in your tag names or values because
// AWS reserves it for AWS use. You can't edit or delete tag names or values with this prefix."
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_TagResource.html). The page
// names no exception; AWS answers TagResource with InvalidParameterException "You can't modify
// system tags. Tag key: '...'", and the endpoint answers CreateSecret and UntagResource the same way.
describe('reserved aws: tag keys', () => {
  const tags = async (name: string) =>
    (await endpoint.client.send(new DescribeSecretCommand({ SecretId: name }))).Tags ?? [];

  it.each(['aws:rds:primaryDBInstanceArn', 'AWS:Owner', 'Aws:x'])(
    'refuses CreateSecret with the key %s and creates nothing',
    async (key) => {
      const name = uniqueName('reserved');

      const refused = create(name, {
        Tags: [
          { Key: 'team', Value: 'a' },
          { Key: key, Value: 'x' },
        ],
      });

      await expect(refused).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(refused).rejects.toThrow(`You can't modify system tags. Tag key: '${key}'.`);
      await expect(
        endpoint.client.send(new DescribeSecretCommand({ SecretId: name })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    },
  );

  it('refuses TagResource with an aws: key and changes no tag', async () => {
    const { name } = await create(uniqueName(), { Tags: [{ Key: 'team', Value: 'a' }] });

    await expect(
      endpoint.client.send(
        new TagResourceCommand({
          SecretId: name,
          Tags: [
            { Key: 'team', Value: 'b' },
            { Key: 'aws:rds:primaryDBInstanceArn', Value: 'arn:aws:rds:us-east-1:000000000000:db:x' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect(await tags(name)).toEqual([{ Key: 'team', Value: 'a' }]);
  });

  it('refuses UntagResource of an aws: key and removes nothing', async () => {
    const { name } = await create(uniqueName(), { Tags: [{ Key: 'team', Value: 'a' }] });

    await expect(
      endpoint.client.send(
        new UntagResourceCommand({ SecretId: name, TagKeys: ['team', 'aws:cloudformation:stack-name'] }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect(await tags(name)).toEqual([{ Key: 'team', Value: 'a' }]);
  });

  it('accepts keys that only contain aws: or start with aws', async () => {
    const { name } = await create(uniqueName(), {
      Tags: [
        { Key: 'my:aws:key', Value: '1' },
        { Key: 'awsome', Value: '2' },
      ],
    });

    expect(await tags(name)).toHaveLength(2);
  });
});

describe('GetRandomPassword', () => {
  it('honours length, exclusions and the required character types', async () => {
    for (let i = 0; i < 20; i++) {
      const out = await endpoint.client.send(
        new GetRandomPasswordCommand({
          PasswordLength: 24,
          ExcludeCharacters: 'abc/@"',
          ExcludePunctuation: false,
        }),
      );
      const password = out.RandomPassword ?? '';
      expect(password).toHaveLength(24);
      expect(password).not.toMatch(/[abc/@"]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
    }
    const digitsOnly = await endpoint.client.send(
      new GetRandomPasswordCommand({
        ExcludeLowercase: true,
        ExcludeUppercase: true,
        ExcludePunctuation: true,
      }),
    );
    expect(digitsOnly.RandomPassword).toMatch(/^[0-9]{32}$/);
  });

  it('refuses options that leave nothing to choose from', async () => {
    await expect(
      endpoint.client.send(
        new GetRandomPasswordCommand({
          ExcludeLowercase: true,
          ExcludeUppercase: true,
          ExcludePunctuation: true,
          ExcludeNumbers: true,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});
