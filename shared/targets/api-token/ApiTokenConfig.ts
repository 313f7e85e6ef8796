import { type Env, optionalInteger, optionalString } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import type { RetryOptions } from './providers/ProviderHttp.js';

export interface ApiTokenConfig {
  /** Start of every token name the rotator gives; it revokes only tokens named so. */
  readonly namePrefix: string;
  readonly http: RetryOptions;
  /** Used when a token secret has no `provider` key (`TOKEN_PROVIDER`). */
  readonly provider: string | undefined;
  /** Used when a token secret has no `settings` key (`TOKEN_PROVIDER_SETTINGS`, JSON). */
  readonly settings: unknown;
}

function jsonSetting(env: Env, name: string): unknown {
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ConfigError(name, 'must be JSON');
  }
}

export function loadApiTokenConfig(env: Env): ApiTokenConfig {
  const namePrefix = optionalString(env, 'TOKEN_NAME_PREFIX') ?? 'rotation';
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(namePrefix)) {
    throw new ConfigError(
      'TOKEN_NAME_PREFIX',
      'must be 1 to 32 letters, digits, dots, dashes or underscores',
    );
  }
  return Object.freeze({
    namePrefix,
    provider: optionalString(env, 'TOKEN_PROVIDER'),
    settings: jsonSetting(env, 'TOKEN_PROVIDER_SETTINGS'),
    http: Object.freeze({
      timeoutMs: optionalInteger(env, 'PROVIDER_TIMEOUT_MS', { min: 100, max: 60_000, default: 5_000 }),
      maxAttempts: optionalInteger(env, 'PROVIDER_MAX_ATTEMPTS', { min: 1, max: 10, default: 4 }),
      baseDelayMs: optionalInteger(env, 'PROVIDER_RETRY_BASE_MS', { min: 0, max: 10_000, default: 250 }),
    }),
  });
}
