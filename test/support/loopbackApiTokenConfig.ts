import type { ApiTokenConfig } from '../../shared/targets/api-token/ApiTokenConfig.js';

/**
 * The api-token function's settings for a provider on loopback http, as the local token service
 * is: the provider and its settings come from the token secret.
 */
export function loopbackApiTokenConfig(
  http: ApiTokenConfig['http'],
  allowSingleLiveWithoutAdmin = false,
): ApiTokenConfig {
  return {
    namePrefix: 'rotation',
    provider: undefined,
    settings: undefined,
    policy: { allowedOrigins: ['http://127.0.0.1:*'], allowHttpLoopback: true },
    allowedAdminSecrets: undefined,
    allowSingleLiveWithoutAdmin,
    http,
  };
}
