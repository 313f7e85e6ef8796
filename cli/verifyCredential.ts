import { Logger } from '@aws-lambda-powertools/logger';
import type { Env } from '../shared/config/env.js';
import type { RotationTarget } from '../shared/rotation/RotationTarget.js';
import { SecretsManagerStore } from '../shared/secrets/SecretsManagerStore.js';
import { loadApiTokenConfig } from '../shared/targets/api-token/ApiTokenConfig.js';
import { createApiTokenTarget } from '../shared/targets/api-token/createApiTokenTarget.js';
import { isLoopbackHost, LOOPBACK_PROVIDER_ENVIRONMENT } from '../shared/targets/api-token/ProviderPolicy.js';
import { createAlternatingUsersTarget } from '../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createPostgresDependencies } from '../shared/targets/postgres/createPostgresDependencies.js';
import { createSingleUserTarget } from '../shared/targets/postgres/createSingleUserTarget.js';
import { createRandomValueTarget } from '../shared/targets/random-value/createRandomValueTarget.js';
import { loadRandomValueConfig } from '../shared/targets/random-value/RandomValueConfig.js';
import type { Cli } from './Cli.js';

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

/**
 * The checks run with the operator's environment, read as a function's configuration. Against the
 * local stack (a loopback endpoint) the provider rules are the ones the local stack gives its
 * functions, unless the environment sets them.
 */
export function checkEnvironment(endpoint: string | undefined, env: Env = process.env): Env {
  let local = false;
  try {
    local = endpoint !== undefined && isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    local = false;
  }
  return local ? { ...LOOPBACK_PROVIDER_ENVIRONMENT, ...env } : env;
}

function targetFor(strategy: Strategy, cli: Pick<Cli, 'client' | 'endpoint'>): RotationTarget<unknown> {
  const env = checkEnvironment(cli.endpoint);
  const store = new SecretsManagerStore(cli.client);
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
  cli: Pick<Cli, 'client' | 'endpoint'>,
  strategy: Strategy,
  secretArn: string,
  versionId: string,
  value: string,
): Promise<Verdict> {
  const logger = new Logger({ serviceName: 'secrets-rotation-cli', logLevel: 'SILENT' });
  try {
    const target = targetFor(strategy, cli);
    await target.test(target.parse(value), { secretArn, versionId, logger });
    return { works: true, reason: undefined };
  } catch (error) {
    return {
      works: false,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
    };
  }
}
