import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import type { TokenService } from '../../local/token-service/startTokenService.js';
import { createRotationHandler, type RotationHandler } from '../../shared/rotation/createRotationHandler.js';
import { ROTATION_STEPS } from '../../shared/rotation/RotationEvent.js';
import type { RotationTarget } from '../../shared/rotation/RotationTarget.js';
import { SecretsManagerStore } from '../../shared/secrets/SecretsManagerStore.js';
import { createApiTokenTarget } from '../../shared/targets/api-token/createApiTokenTarget.js';
import { createPostgresConnector } from '../../shared/targets/postgres/connectPostgres.js';
import { createAlternatingUsersTarget } from '../../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createSingleUserTarget } from '../../shared/targets/postgres/createSingleUserTarget.js';
import { loadPostgresConfig } from '../../shared/targets/postgres/PostgresConfig.js';
import { createRandomValueTarget } from '../../shared/targets/random-value/createRandomValueTarget.js';
import { loadRandomValueConfig } from '../../shared/targets/random-value/RandomValueConfig.js';
import { loopbackApiTokenConfig } from '../support/loopbackApiTokenConfig.js';
import { recordFigures } from '../support/recordFigures.js';
import { startTestPostgres, type TestPostgres } from '../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../support/startTestStack.js';
import { startTestTokenService } from '../support/startTestTokenService.js';

let env: TestStack;
let client: SecretsManagerClient;
let server: TestPostgres;
let tokens: TokenService;

beforeAll(async () => {
  server = await startTestPostgres();
  tokens = await startTestTokenService();
  env = await startTestStack({
    reservedConcurrency: 10,
    functionEnvironment: () => ({ PG_CA_FILE: server.caFile }),
  });
  client = env.client;
}, 60_000);

afterAll(async () => {
  await env?.close();
  await tokens?.close();
  await server?.close();
});

/**
 * A rotation whose steps the test drives itself: RotateSecret names a function that does not
 * exist, so the runner gives up at once and leaves RotateSecret's value-less AWSPENDING version.
 */
async function pendingVersion(secretArn: string): Promise<string> {
  const out = await client.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:not-deployed',
    }),
  );
  await env.stack.runner.waitForRotation(secretArn, out.VersionId ?? '', 10_000).catch(() => undefined);
  return out.VersionId ?? '';
}

function handlerFor(target: RotationTarget<unknown>): RotationHandler {
  return createRotationHandler({
    store: new SecretsManagerStore(client),
    target,
    logger: new Logger({ serviceName: 'race', logLevel: 'SILENT' }),
  });
}

/** Invokes every step twice at the same moment; returns the names of the errors the losers got. */
async function raceEverySecond(
  handler: RotationHandler,
  secretArn: string,
  versionId: string,
): Promise<string[]> {
  const errors: string[] = [];
  for (const step of ROTATION_STEPS) {
    const event = { Step: step, SecretId: secretArn, ClientRequestToken: versionId };
    const outcomes = await Promise.allSettled([handler(event), handler(event)]);
    for (const outcome of outcomes)
      if (outcome.status === 'rejected') errors.push((outcome.reason as Error).name);
    // Secrets Manager retries a failed step: the retry must succeed whatever the race left.
    if (outcomes.some((o) => o.status === 'rejected')) await handler(event);
  }
  return errors;
}

/** What a Postgres target needs, against the test server, with short bounded timeouts. */
function postgresDependencies() {
  // The races name masters of their own; which masters a function allows is the attack suite's concern.
  const config = loadPostgresConfig({ PG_CA_FILE: server.caFile, ALLOWED_MASTER_SECRET_ARNS: '*' });
  return {
    config,
    store: new SecretsManagerStore(client),
    connect: createPostgresConnector({ ca: config.ca, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 }),
    topology: async () => ({ together: false, reason: 'not asked' }),
    database: async () => undefined,
  };
}

/** A race's figures: how many invocations lost, with which named errors; a lockout fails the test first. */
const recordRace = (scenario: string, errors: readonly string[]) =>
  recordFigures('races', { scenario, losers: errors.length, errorNames: [...new Set(errors)], lockouts: 0 });

const current = async (secretArn: string) =>
  JSON.parse(
    (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString ?? '{}',
  ) as Record<string, string>;

describe('the same step invoked twice at once', () => {
  it('api-token: one token wins, the loser revokes its own and gets a named error', async () => {
    const secrets = await seedConsumerSecrets(client, server, tokens, 'race_token');
    const versionId = await pendingVersion(secrets.token);
    const handler = handlerFor(
      createApiTokenTarget({
        config: loopbackApiTokenConfig({ timeoutMs: 2_000, maxAttempts: 2, baseDelayMs: 10 }),
        store: new SecretsManagerStore(client),
      }) as RotationTarget<unknown>,
    );

    const errors = await raceEverySecond(handler, secrets.token, versionId);

    expect(
      errors.every((name) => ['PendingValueConflictError', 'SecretsManagerCallError'].includes(name)),
    ).toBe(true);
    const value = await current(secrets.token);
    const me = await fetch(`${tokens.url}/v1/me`, { headers: { authorization: `Bearer ${value['token']}` } });
    expect(me.status).toBe(200);
    // Only the winner, now AWSCURRENT, is live under this version's name: the loser revoked its own.
    const named = tokens.state.all().filter((t) => t.name.endsWith(versionId));
    expect(named.map((t) => t.id)).toEqual([value['tokenId']]);
    recordRace('api-token: every step twice at once', errors);
  });

  it('postgres single user: no lockout, and AWSCURRENT logs in after the racing steps', async () => {
    const secrets = await seedConsumerSecrets(client, server, tokens, 'race_pg');
    const versionId = await pendingVersion(secrets.single);
    const handler = handlerFor(createSingleUserTarget(postgresDependencies()) as RotationTarget<unknown>);

    const errors = await raceEverySecond(handler, secrets.single, versionId);

    expect(
      errors.every((name) =>
        [
          'PendingValueConflictError',
          'SecretsManagerCallError',
          // Two ALTER ROLE at once: Postgres refuses one ("tuple concurrently updated").
          'PostgresStatementError',
        ].includes(name),
      ),
    ).toBe(true);
    const value = await current(secrets.single);
    expect(await server.canLogin(value['username'] ?? '', value['password'] ?? '')).toBe(true);
    recordRace('postgres single user: every step twice at once', errors);
  });
});

describe('the same step invoked twice at once, the other two kinds', () => {
  it('postgres alternating users: both logins keep working through the racing steps', async () => {
    const secrets = await seedConsumerSecrets(client, server, tokens, 'race_alt');
    const versionId = await pendingVersion(secrets.alternating);
    const handler = handlerFor(
      createAlternatingUsersTarget(postgresDependencies()) as RotationTarget<unknown>,
    );
    const before = await current(secrets.alternating);

    const errors = await raceEverySecond(handler, secrets.alternating, versionId);

    expect(
      errors.every((name) =>
        ['PendingValueConflictError', 'SecretsManagerCallError', 'PostgresStatementError'].includes(name),
      ),
    ).toBe(true);
    const after = await current(secrets.alternating);
    expect(after['username']).toBe(`${before['username']}_clone`);
    expect(await server.canLogin(after['username'] ?? '', after['password'] ?? '')).toBe(true);
    expect(await server.canLogin(before['username'] ?? '', before['password'] ?? '')).toBe(true);
    recordRace('postgres alternating users: every step twice at once', errors);
  });

  it('random-value: one value wins and the secret ends with it', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'race/random-steps',
        SecretString: JSON.stringify({ owner: 'race', password: 'race-steps-initial-01' }),
      }),
    );
    const arn = created.ARN ?? '';
    const versionId = await pendingVersion(arn);
    const handler = handlerFor(createRandomValueTarget(loadRandomValueConfig({})) as RotationTarget<unknown>);

    const errors = await raceEverySecond(handler, arn, versionId);

    expect(
      errors.every((name) => ['PendingValueConflictError', 'SecretsManagerCallError'].includes(name)),
    ).toBe(true);
    const after = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(after.VersionId).toBe(versionId);
    const value = JSON.parse(after.SecretString ?? '{}') as Record<string, string>;
    expect(value['owner']).toBe('race');
    expect(value['password']).not.toBe('race-steps-initial-01');
    recordRace('random-value: every step twice at once', errors);
  });
});

describe('two RotateSecret calls racing', () => {
  it('one rotation runs; the other gets a clear error, and the secret ends consistent', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'race/random',
        SecretString: JSON.stringify({ password: 'race-initial-value-01' }),
      }),
    );
    const arn = created.ARN ?? '';
    const rotate = () =>
      client.send(
        new RotateSecretCommand({
          SecretId: arn,
          RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:random-value',
        }),
      );

    const outcomes = await Promise.allSettled([rotate(), rotate()]);

    const started = outcomes
      .filter((o) => o.status === 'fulfilled')
      .map((o) => (o as PromiseFulfilledResult<{ VersionId?: string }>).value.VersionId ?? '');
    const refused = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason as Error);
    expect(started.length).toBeGreaterThanOrEqual(1);
    for (const error of refused) {
      expect(error.name).toBe('InvalidRequestException');
      expect(error.message).toContain("previous rotation isn't complete");
    }
    for (const versionId of started) await env.stack.runner.waitForRotation(arn, versionId, 20_000);
    const after = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(started).toContain(after.VersionId);
    recordRace(
      'two RotateSecret calls at once',
      refused.map((e) => e.name),
    );
  });
});

describe('200 secrets rotating at once against one Postgres', () => {
  it('all rotate, none is locked out, sessions stay bounded', async () => {
    const arns: string[] = [];
    const { scramVerifier } = await import('../../shared/targets/postgres/scramVerifier.js');
    await server.admin(async (c) => {
      for (let i = 0; i < 200; i++) {
        const secret = {
          engine: 'postgres',
          host: server.host,
          port: server.port,
          dbname: 'postgres',
          username: `crowd_${i}`,
          password: `Crowd-${i}-initial-pw`,
        };
        await c.query(
          `CREATE ROLE crowd_${i} LOGIN PASSWORD ${c.escapeLiteral(await scramVerifier(secret.password))}`,
        );
        arns.push(
          (
            await client.send(
              new CreateSecretCommand({ Name: `crowd/${i}`, SecretString: JSON.stringify(secret) }),
            )
          ).ARN ?? '',
        );
      }
    });
    let peak = 0;
    let sampling = true;
    const started = performance.now();
    const sampler = (async () => {
      while (sampling) {
        const n = await server.admin(
          async (c) =>
            (
              await c.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'secrets-rotation'",
              )
            ).rows[0]?.n ?? 0,
        );
        peak = Math.max(peak, n);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const versions = await Promise.all(
      arns.map(async (arn) => ({
        arn,
        versionId:
          (
            await client.send(
              new RotateSecretCommand({
                SecretId: arn,
                RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:postgres-single-user',
              }),
            )
          ).VersionId ?? '',
      })),
    );
    const outcomes = await Promise.allSettled(
      versions.map((v) => env.stack.runner.waitForRotation(v.arn, v.versionId, 120_000)),
    );
    sampling = false;
    await sampler;
    const seconds = (performance.now() - started) / 1000;

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    // One login at a time: 200 at once would exceed the server's own connection limit.
    const logins: boolean[] = [];
    for (const arn of arns) {
      const value = await current(arn);
      logins.push(await server.canLogin(value['username'] ?? '', value['password'] ?? ''));
    }
    expect(logins.every(Boolean)).toBe(true);
    // Reserved concurrency 10: at most one session per invocation in flight.
    expect(peak).toBeLessThanOrEqual(10);
    recordFigures('crowd', {
      secrets: arns.length,
      rotated: outcomes.filter((o) => o.status === 'fulfilled').length,
      loggingIn: logins.filter(Boolean).length,
      peakSessions: peak,
      reservedConcurrency: 10,
      seconds: Math.round(seconds * 10) / 10,
    });
  }, 180_000);
});
