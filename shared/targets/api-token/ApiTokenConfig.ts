import { type ArnAllowList, loadArnAllowList } from '../../config/ArnAllowList.js';
import { type Env, optionalInteger, optionalString } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import { type ProviderPolicy, parseAllowedOrigins } from './ProviderPolicy.js';
import type { RetryOptions } from './providers/ProviderHttp.js';

export interface ApiTokenConfig {
  /** Start of every token name the rotator gives; it revokes only tokens named so. */
  readonly namePrefix: string;
  readonly http: RetryOptions;
  /** `TOKEN_PROVIDER`: wins over a token secret's `provider` key. */
  readonly provider: string | undefined;
  /**
   * `TOKEN_PROVIDER_SETTINGS` (JSON): wins over a token secret's `settings` key, which is only used
   * when this is unset and `policy.allowedOrigins` is set.
   */
  readonly settings: unknown;
  readonly policy: ProviderPolicy;
  /** `ALLOWED_ADMIN_SECRET_ARNS`: admin secrets a token secret may name; none when unset or empty, any with `*`. */
  readonly allowedAdminSecrets: ArnAllowList;
  /**
   * `TOKEN_ALLOW_SINGLE_LIVE_WITHOUT_ADMIN`: rotate a one-live-token provider with the token itself.
   * Off by default: issuing revokes the current token, so one lost PutSecretValue locks the application out.
   */
  readonly allowSingleLiveWithoutAdmin: boolean;
}

function flag(env: Env, name: string): boolean {
  const raw = optionalString(env, name);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(name, 'must be true or false');
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
    policy: Object.freeze({
      allowedOrigins: parseAllowedOrigins(
        'TOKEN_PROVIDER_ALLOWED_ORIGINS',
        optionalString(env, 'TOKEN_PROVIDER_ALLOWED_ORIGINS'),
      ),
      allowHttpLoopback: flag(env, 'TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK'),
    }),
    allowedAdminSecrets: loadArnAllowList(env, 'ALLOWED_ADMIN_SECRET_ARNS'),
    allowSingleLiveWithoutAdmin: flag(env, 'TOKEN_ALLOW_SINGLE_LIVE_WITHOUT_ADMIN'),
    http: Object.freeze({
      timeoutMs: optionalInteger(env, 'PROVIDER_TIMEOUT_MS', { min: 100, max: 60_000, default: 5_000 }),
      maxAttempts: optionalInteger(env, 'PROVIDER_MAX_ATTEMPTS', { min: 1, max: 10, default: 4 }),
      baseDelayMs: optionalInteger(env, 'PROVIDER_RETRY_BASE_MS', { min: 0, max: 10_000, default: 250 }),
    }),
  });
}
