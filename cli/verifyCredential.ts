import { Logger } from '@aws-lambda-powertools/logger';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RotationTarget } from '../shared/rotation/RotationTarget.js';
import { SecretsManagerStore } from '../shared/secrets/SecretsManagerStore.js';
import { loadApiTokenConfig } from '../shared/targets/api-token/ApiTokenConfig.js';
import { createApiTokenTarget } from '../shared/targets/api-token/createApiTokenTarget.js';
import { createAlternatingUsersTarget } from '../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createPostgresDependencies } from '../shared/targets/postgres/createPostgresDependencies.js';
import { createSingleUserTarget } from '../shared/targets/postgres/createSingleUserTarget.js';
import { createRandomValueTarget } from '../shared/targets/random-value/createRandomValueTarget.js';
import { loadRandomValueConfig } from '../shared/targets/random-value/RandomValueConfig.js';

export const STRATEGIES = [
  'postgres-single-user',
  'postgres-alternating-users',
  'api-token',
  'random-value',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The strategy from the rotation function's name, else from the value's shape. */
export function strategyFor(functionArn: string | undefined, value: string): Strategy {
  const named = STRATEGIES.find(
    (s) => functionArn?.endsWith(`:function:${s}`) || functionArn?.endsWith(`-${s}`),
  );
  if (named !== undefined) return named;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    if (typeof parsed['token'] === 'string') return 'api-token';
    if (typeof parsed['host'] === 'string' && typeof parsed['username'] === 'string') {
      return typeof parsed['masterarn'] === 'string' ? 'postgres-alternating-users' : 'postgres-single-user';
    }
  } catch {
    // Not JSON: only the random-value shape check can apply, and it will say so.
  }
  return 'random-value';
}

function targetFor(strategy: Strategy, client: SecretsManagerClient): RotationTarget<unknown> {
  const env = process.env;
  const store = new SecretsManagerStore(client);
  switch (strategy) {
    case 'postgres-single-user':
      return createSingleUserTarget(createPostgresDependencies(env, store)) as RotationTarget<unknown>;
    case 'postgres-alternating-users':
      return createAlternatingUsersTarget(createPostgresDependencies(env, store)) as RotationTarget<unknown>;
    case 'api-token':
      return createApiTokenTarget({ config: loadApiTokenConfig(env), store }) as RotationTarget<unknown>;
    case 'random-value':
      return createRandomValueTarget(loadRandomValueConfig(env)) as RotationTarget<unknown>;
  }
}

export interface Verdict {
  readonly works: boolean;
  /** Error name and message when it does not; never a value. */
  readonly reason: string | undefined;
}

/** Runs the strategy's own testSecret check against one stored value, changing nothing. */
export async function verifyCredential(
  client: SecretsManagerClient,
  strategy: Strategy,
  secretArn: string,
  versionId: string,
  value: string,
): Promise<Verdict> {
  const logger = new Logger({ serviceName: 'secrets-rotation-cli', logLevel: 'SILENT' });
  try {
    const target = targetFor(strategy, client);
    await target.test(target.parse(value), { secretArn, versionId, logger });
    return { works: true, reason: undefined };
  } catch (error) {
    return {
      works: false,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
    };
  }
}
