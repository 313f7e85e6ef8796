import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  type Filter,
  ListSecretsCommand,
  type SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint } from './endpointFixture.js';

// Filter keys and how each matches: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Filter.html
// ("name: Prefix match, case-sensitive", "description: Prefix match, not case-sensitive", "all:
// Breaks the filter value string into words and then searches all attributes for matches. Not
// case-sensitive.") and the user guide it points to, Find secrets in Secrets Manager
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_search-secret.html): words
// split at punctuation, at a change of case and between letters and digits; "My Description"
// matches "Description of my secret". Sort order: API_ListSecrets (SortBy, SortOrder; "Secrets are
// listed by CreatedDate"). For `all`, every word of the value must start a word of one attribute:
// AWS answers `all` = `SecretOne` with SecretOne… alone, not with every secret whose name holds the
// word `secret` (docs/local-stack.md, "Differences from AWS").

let now = Date.UTC(2026, 0, 1);
let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
let empty: Awaited<ReturnType<typeof startEndpoint>>;
beforeAll(async () => {
  endpoint = await startEndpoint({ clock: () => new Date(now) });
  empty = await startEndpoint();
  const secrets = [
    {
      Name: 'prod/OrdersDb',
      Description: 'Orders database of the shop',
      Tags: [{ Key: 'Team', Value: 'Billing' }],
    },
    {
      Name: 'prod/orders_api2',
      Description: 'my basic description',
      Tags: [{ Key: 'team', Value: 'orders' }],
    },
    { Name: 'dev/credsDatabase892', Description: 'Description of my secret' },
    { Name: 'dev/payments@eu', Tags: [{ Key: 'cost-center', Value: 'PAY7' }] },
  ];
  for (const secret of secrets) {
    now += 1000;
    await endpoint.client.send(new CreateSecretCommand({ ...secret, SecretString: 'v' }));
  }
});
afterAll(async () => {
  await endpoint.close();
  await empty.close();
});

const names = async (Filters: Filter[], extra: Partial<{ SortBy: 'name'; SortOrder: 'asc' | 'desc' }> = {}) =>
  ((await endpoint.client.send(new ListSecretsCommand({ Filters, ...extra }))).SecretList ?? []).map(
    (s) => s.Name,
  );

describe('ListSecrets filters (API_Filter, Find secrets in Secrets Manager)', () => {
  it('name: a case-sensitive prefix of the name', async () => {
    expect(await names([{ Key: 'name', Values: ['prod/'] }])).toEqual(['prod/OrdersDb', 'prod/orders_api2']);
    expect(await names([{ Key: 'name', Values: ['prod/o'] }])).toEqual(['prod/orders_api2']);
    expect(await names([{ Key: 'name', Values: ['Prod/'] }])).toEqual([]);
  });

  it('all: words of names, descriptions and tags, split at punctuation, case changes and digits, in any case', async () => {
    expect(await names([{ Key: 'all', Values: ['database'] }])).toEqual([
      'prod/OrdersDb',
      'dev/credsDatabase892',
    ]);
    expect(await names([{ Key: 'all', Values: ['DB'] }])).toEqual(['prod/OrdersDb']);
    expect(await names([{ Key: 'all', Values: ['892'] }])).toEqual(['dev/credsDatabase892']);
    expect(await names([{ Key: 'all', Values: ['api'] }])).toEqual(['prod/orders_api2']);
    expect(await names([{ Key: 'all', Values: ['eu'] }])).toEqual(['dev/payments@eu']);
    expect(await names([{ Key: 'all', Values: ['pay'] }])).toEqual(['dev/payments@eu']);
    expect(await names([{ Key: 'all', Values: ['billing'] }])).toEqual(['prod/OrdersDb']);
    expect(await names([{ Key: 'all', Values: ['rders'] }])).toEqual([]);
  });

  it('description: every word of the value starts a word of the description, in any case', async () => {
    expect(await names([{ Key: 'description', Values: ['My Description'] }])).toEqual([
      'prod/orders_api2',
      'dev/credsDatabase892',
    ]);
    expect(await names([{ Key: 'description', Values: ['orders DATA'] }])).toEqual(['prod/OrdersDb']);
  });

  it('tag-key and tag-value: case-sensitive prefixes', async () => {
    expect(await names([{ Key: 'tag-key', Values: ['team'] }])).toEqual(['prod/orders_api2']);
    expect(await names([{ Key: 'tag-value', Values: ['PAY'] }])).toEqual(['dev/payments@eu']);
  });

  it('several values of one filter: any; several filters: all; a leading ! negates', async () => {
    expect(await names([{ Key: 'name', Values: ['dev/creds', 'prod/orders'] }])).toEqual([
      'prod/orders_api2',
      'dev/credsDatabase892',
    ]);
    expect(
      await names([
        { Key: 'name', Values: ['prod/'] },
        { Key: 'all', Values: ['billing'] },
      ]),
    ).toEqual(['prod/OrdersDb']);
    expect(
      await names([
        { Key: 'name', Values: ['prod/'] },
        { Key: 'tag-value', Values: ['!orders'] },
      ]),
    ).toEqual(['prod/OrdersDb']);
  });

  it('owning-service: a case-sensitive prefix of the service that manages the secret', async () => {
    expect(await names([{ Key: 'owning-service', Values: ['rds'] }])).toEqual([]);
    endpoint.server.store.createManagedSecret({
      name: 'rds!db-1234',
      secretString: '{}',
      owningService: 'rds',
      tags: [],
    });
    expect(await names([{ Key: 'owning-service', Values: ['rd'] }])).toEqual(['rds!db-1234']);
    expect(await names([{ Key: 'owning-service', Values: ['RDS'] }])).toEqual([]);
    // A secret that was never replicated has no primary Region to match.
    expect(await names([{ Key: 'primary-region', Values: ['us-east-1'] }])).toEqual([]);
  });

  it('refuses an unknown key with a validation error, with or without secrets to filter', async () => {
    for (const target of [endpoint, empty]) {
      const refused = target.client.send(
        new ListSecretsCommand({ Filters: [{ Key: 'colour' as Filter['Key'], Values: ['x'] }] }),
      );
      await expect(refused).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(refused).rejects.toThrow(/Member must satisfy enum value set/);
    }
  });
});

describe('ListSecrets all filter (API_Filter: words, every attribute, any case)', () => {
  let search: Awaited<ReturnType<typeof startEndpoint>>;
  const suffix = 'k7q2';
  const secretOne = `SecretOne${suffix}`;
  const secretTwo = `SecretTwo${suffix}`;
  const secretFTag = `SecretFTag${suffix}`;
  const secretFValue = `SecretFValue${suffix}`;
  const topsecret = `Topsecret${suffix}`;
  const unrelated = `ledger${suffix}`;
  let clock = Date.UTC(2026, 1, 1);

  beforeAll(async () => {
    search = await startEndpoint({ clock: () => new Date(clock) });
    const secrets = [
      { Name: secretOne },
      { Name: secretTwo, Description: 'Rotated nightly' },
      { Name: secretFTag, Tags: [{ Key: 'billing', Value: 'v' }] },
      { Name: secretFValue, Tags: [{ Key: 'k', Value: 'billing' }] },
      { Name: topsecret, Tags: [{ Key: 'Team', Value: 'Payments' }] },
      { Name: unrelated },
    ];
    for (const secret of secrets) {
      clock += 1000;
      await search.client.send(new CreateSecretCommand({ ...secret, SecretString: 'v' }));
    }
  });
  afterAll(async () => {
    await search.close();
  });

  const found = async (...values: string[]) =>
    (
      (await search.client.send(new ListSecretsCommand({ Filters: [{ Key: 'all', Values: values }] })))
        .SecretList ?? []
    ).map((s) => s.Name);

  it('needs every word of the value: SecretOne finds SecretOne… alone, not every Secret… name', async () => {
    expect(await found('SecretOne')).toEqual([secretOne]);
    expect(await found('secret one')).toEqual([secretOne]);
    expect(await found('SomeSecret')).toEqual([]);
  });

  it('matches the start of a word, in any case, never the middle of one', async () => {
    const secretNames = [secretOne, secretTwo, secretFTag, secretFValue];
    expect(await found('Secret')).toEqual(secretNames);
    expect(await found('SECRET')).toEqual(secretNames);
    expect(await found('sec')).toEqual(secretNames);
    // `Topsecret` is one word: `secret` starts no word of it.
    expect(await found('ret')).toEqual([]);
    expect(await found('tops')).toEqual([topsecret]);
  });

  it('searches descriptions, tag keys and tag values as well as names', async () => {
    expect(await found('billing')).toEqual([secretFTag, secretFValue]);
    expect(await found('rotated NIGHTLY')).toEqual([secretTwo]);
    expect(await found('payments')).toEqual([topsecret]);
  });

  it('finds the words of one value in one attribute', async () => {
    // `topsecret` is in the name and `payments` in a tag value: no single attribute has both.
    expect(await found('topsecret payments')).toEqual([]);
    expect(await found('team')).toEqual([topsecret]);
  });

  it('matches nothing for a value without a letter or digit; several values are any of them', async () => {
    expect(await found('+')).toEqual([]);
    expect(await found('.')).toEqual([]);
    expect(await found('ledger', 'nightly')).toEqual([secretTwo, unrelated]);
  });

  it('a leading ! keeps the secrets the value does not match', async () => {
    expect(await found('!secret')).toEqual([topsecret, unrelated]);
  });

  it('searches the primary Region and the owning service too (all attributes)', async () => {
    const replicated = `replicated${suffix}`;
    clock += 1000;
    await search.client.send(
      new CreateSecretCommand({
        Name: replicated,
        SecretString: 'v',
        AddReplicaRegions: [{ Region: 'eu-west-1' }],
      }),
    );
    clock += 1000;
    search.server.store.createManagedSecret({
      name: `managed/master${suffix}`,
      secretString: '{}',
      owningService: 'rds',
      tags: [],
    });
    // Only the replicated secret has a primary Region (us-east-1); only the managed one an owner.
    expect(await found('us-east')).toEqual([replicated]);
    expect(await found('RDS')).toEqual([`managed/master${suffix}`]);
  });

  it('is the same rule in BatchGetSecretValue Filters (API_BatchGetSecretValue)', async () => {
    const batch = await search.client.send(
      new BatchGetSecretValueCommand({ Filters: [{ Key: 'all', Values: ['SecretOne'] }] }),
    );
    expect((batch.SecretValues ?? []).map((v) => v.Name)).toEqual([secretOne]);
  });
});

describe('ListSecrets order (API_ListSecrets SortBy, SortOrder)', () => {
  it('lists by creation date, oldest first, unless SortOrder is desc', async () => {
    const all = ['prod/OrdersDb', 'prod/orders_api2', 'dev/credsDatabase892', 'dev/payments@eu'];
    const ours = [{ Key: 'name' as const, Values: ['prod/', 'dev/'] }];
    expect(await names(ours)).toEqual(all);
    expect(await names(ours, { SortOrder: 'desc' })).toEqual([...all].reverse());
  });

  it('sorts by name with SortBy name', async () => {
    expect(await names([{ Key: 'name', Values: ['prod/', 'dev/'] }], { SortBy: 'name' })).toEqual([
      'dev/credsDatabase892',
      'dev/payments@eu',
      'prod/OrdersDb',
      'prod/orders_api2',
    ]);
  });

  it('refuses an unknown SortOrder', async () => {
    await expect(
      endpoint.client.send(new ListSecretsCommand({ SortOrder: 'sideways' as 'asc' })),
    ).rejects.toSatisfy((e: SecretsManagerServiceException) => e.name === 'ValidationException');
  });
});
