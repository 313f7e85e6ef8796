import {
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
// listed by CreatedDate").

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
