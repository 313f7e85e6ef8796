import { loadArnAllowList } from '../../shared/config/ArnAllowList.js';
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
    // Tests name admin secrets of their own; which ones a function allows is tested on its own.
    allowedAdminSecrets: loadArnAllowList({ ALLOWED_ADMIN_SECRET_ARNS: '*' }, 'ALLOWED_ADMIN_SECRET_ARNS'),
    allowSingleLiveWithoutAdmin,
    http,
  };
}
