import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { createRotationHandler } from '../../shared/rotation/createRotationHandler.js';
import type { RotationTarget } from '../../shared/rotation/RotationTarget.js';
import { createApiTokenTarget } from '../../shared/targets/api-token/createApiTokenTarget.js';
import { createAlternatingUsersTarget } from '../../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createSingleUserTarget } from '../../shared/targets/postgres/createSingleUserTarget.js';
import { loadPostgresConfig } from '../../shared/targets/postgres/PostgresConfig.js';
import { createRandomValueTarget } from '../../shared/targets/random-value/createRandomValueTarget.js';
import { loadRandomValueConfig } from '../../shared/targets/random-value/RandomValueConfig.js';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { useCapturedOutput } from '../support/captureOutput.js';
import { InMemorySecretStore } from '../support/InMemorySecretStore.js';
import { loopbackApiTokenConfig } from '../support/loopbackApiTokenConfig.js';
import { recordFigures } from '../support/recordFigures.js';

interface EventCase {
  readonly description: string;
  readonly event: unknown;
  readonly error: string;
  readonly field?: string;
}
type Value = string | { readonly repeat: string; readonly times: number };
interface ValueCase {
  readonly target: string;
  readonly description: string;
  readonly value: Value;
  readonly key?: string;
}

const load = <T>(name: string): T[] =>
  JSON.parse(readFileSync(new URL(`./corpus/${name}`, import.meta.url), 'utf8')) as T[];
const events = load<EventCase>('events.json');
const values = load<ValueCase>('secretValues.json');
const text = (value: Value) => (typeof value === 'string' ? value : value.repeat.repeat(value.times));

const CURRENT = '0a0b0c0d-1111-4222-8333-444455556666';
const PENDING = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
const PREVIOUS = '0a0b0c0d-1111-4222-8333-000000000000';
const output = useCapturedOutput();
/** Cases that gave their named error and left the secret as it was. */
const held = { events: 0, values: 0, errors: new Set<string>() };
afterAll(() =>
  recordFigures('bad-input', {
    events: events.length,
    secretValues: values.length,
    held: held.events + held.values,
    errorNames: [...held.errors].sort(),
  }),
);

/** Every outside call a target could make; the corpus must never reach one. */
const outside = { calls: 0 };
const refuse = async (): Promise<never> => {
  outside.calls += 1;
  throw new Error('no outside call may happen for bad input');
};

function target(name: string, store: InMemorySecretStore): RotationTarget<unknown> {
  const postgres = {
    config: loadPostgresConfig({}),
    store,
    connect: refuse,
    topology: refuse,
    database: refuse,
  };
  switch (name) {
    case 'random-value':
      return createRandomValueTarget(loadRandomValueConfig({})) as RotationTarget<unknown>;
    case 'api-token':
      return createApiTokenTarget({
        config: loopbackApiTokenConfig({ timeoutMs: 100, maxAttempts: 1, baseDelayMs: 0 }),
        store,
        fetchImpl: refuse as unknown as typeof fetch,
      }) as RotationTarget<unknown>;
    case 'postgres-single-user':
      return createSingleUserTarget(postgres) as RotationTarget<unknown>;
    default:
      return createAlternatingUsersTarget(postgres) as RotationTarget<unknown>;
  }
}

function storeWith(current: string): InMemorySecretStore {
  return new InMemorySecretStore()
    .addVersion(PREVIOUS, JSON.stringify({ password: 'previous-value-0000' }), ['AWSPREVIOUS'])
    .addVersion(CURRENT, current, ['AWSCURRENT'])
    .addVersion(PENDING, undefined, ['AWSPENDING']);
}

describe('bad input corpus', () => {
  it(`has at least 100 cases (${events.length} events, ${values.length} secret values)`, () => {
    expect(events.length + values.length).toBeGreaterThanOrEqual(100);
  });

  it.each(events.map((c) => [c.description, c] as const))(
    'event: %s → a named error, nothing changed',
    async (_d, c) => {
      const store = storeWith(JSON.stringify({ password: 'current-value-0001' }));
      const before = store.snapshot();
      const handler = createRotationHandler({
        store,
        target: target('random-value', store),
        logger: new Logger({ serviceName: 'corpus' }),
      });

      const error = await handler(c.event as Record<string, string>).then(
        () => undefined,
        (e: unknown) => e as Error & { field?: string },
      );

      expect(error?.name).toBe(c.error);
      if (c.field !== undefined) expect(error?.message).toContain(c.field);
      expect(store.snapshot()).toEqual(before);
      expect(store.calls.filter((call) => call === 'putPending' || call === 'moveCurrent')).toEqual([]);
      held.events += 1;
      held.errors.add(c.error);
    },
  );

  it.each(values.map((c) => [`${c.target}: ${c.description}`, c] as const))(
    'secret value %s → a named error, nothing changed',
    async (_d, c) => {
      const value = text(c.value);
      const store = storeWith(value);
      const before = store.snapshot();
      outside.calls = 0;
      const handler = createRotationHandler({
        store,
        target: target(c.target, store),
        logger: new Logger({ serviceName: 'corpus' }),
      });

      const error = await handler({
        Step: 'createSecret',
        SecretId: store.arn,
        ClientRequestToken: PENDING,
      }).then(
        () => undefined,
        (e: unknown) => e as Error & { key?: string; cause?: { key?: string; name?: string } },
      );

      expect(['InvalidSecretValueError', 'TokenSecretError']).toContain(error?.name);
      if (c.key !== undefined) expect(error?.cause?.key ?? error?.key).toBe(c.key);
      expect(store.snapshot()).toEqual(before);
      expect(outside.calls).toBe(0);
      // Neither the value nor any part of it may be quoted back.
      if (value.length >= 6) assertNoSecretLeaks(`${error?.message}\n${output.text()}`, [value]);
      held.values += 1;
      held.errors.add(error?.name ?? '');
    },
  );
});
