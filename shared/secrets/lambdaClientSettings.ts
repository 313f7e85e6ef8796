import { type Env, optionalChoice, optionalInteger, optionalString } from '../config/env.js';
import { ConfigError } from '../config/errors.js';

/**
 * The client settings the SDK would otherwise look for in the shared config and credentials files
 * (`~/.aws/config`, `~/.aws/credentials`) at the first request, taken from the environment only.
 * Lambda has no such files: without this, a cold start reads both just to find them missing. Used only
 * in Lambda (with `lambdaCredentials`), for the Secrets Manager and RDS clients; elsewhere the SDK's
 * own resolution applies.
 */
export interface LambdaClientSettings {
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  readonly defaultsMode: DefaultsMode;
  readonly authSchemePreference: string[];
  readonly userAgentAppId: () => Promise<string | undefined>;
  readonly retryMode: RetryMode;
  readonly maxAttempts: number;
  readonly disableClockSkewCorrection: boolean;
  readonly ignoreConfiguredEndpointUrls: true;
}

const DEFAULTS_MODES = ['legacy', 'standard', 'in-region', 'cross-region', 'mobile', 'auto'] as const;
type DefaultsMode = (typeof DEFAULTS_MODES)[number];
const RETRY_MODES = ['standard', 'adaptive', 'legacy'] as const;
type RetryMode = (typeof RETRY_MODES)[number];

export function lambdaClientSettings(env: Env): LambdaClientSettings {
  const flag = (name: string): boolean => {
    const value = optionalString(env, name)?.trim().toLowerCase();
    if (value === undefined) return false;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ConfigError(name, 'must be "true" or "false"');
  };
  const appId = optionalString(env, 'AWS_SDK_UA_APP_ID');
  const preference = optionalString(env, 'AWS_AUTH_SCHEME_PREFERENCE');
  return {
    useFipsEndpoint: flag('AWS_USE_FIPS_ENDPOINT'),
    useDualstackEndpoint: flag('AWS_USE_DUALSTACK_ENDPOINT'),
    defaultsMode: optionalChoice(env, 'AWS_DEFAULTS_MODE', DEFAULTS_MODES, 'legacy', { anyCase: true }),
    // The RDS client's tries; the Secrets Manager client's are throttlePatientRetry's to decide.
    maxAttempts: optionalInteger(env, 'AWS_MAX_ATTEMPTS', { min: 1, max: 10, default: 3 }),
    disableClockSkewCorrection: flag('AWS_DISABLE_CLOCK_SKEW_CORRECTION'),
    authSchemePreference: (preference ?? '')
      .split(',')
      .map((scheme) => scheme.trim())
      .filter((scheme) => scheme !== ''),
    userAgentAppId: async () => appId,
    retryMode: optionalChoice(env, 'AWS_RETRY_MODE', RETRY_MODES, 'standard', { anyCase: true }),
    // The endpoint override comes from the environment (resolveSecretsManagerEndpoint), never a file.
    ignoreConfiguredEndpointUrls: true,
  };
}
