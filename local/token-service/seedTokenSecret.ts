import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import { localTokenServiceSettings } from './localTokenServiceSettings.js';
import type { TokenService } from './startTokenService.js';
import type { ServiceToken } from './TokenServiceState.js';

/**
 * Gives an existing secret its first token of the local token service, named in the rotator's
 * family so that rotation may retire it later, with the generic provider's settings pointing at
 * `serviceUrl` (the service itself, or a proxy in front of it).
 */
export async function seedTokenSecret(
  client: SecretsManagerClient,
  tokens: TokenService,
  secretArn: string,
  options: { readonly serviceUrl?: string; readonly extra?: Record<string, unknown> } = {},
): Promise<{ readonly seed: ServiceToken; readonly versionId: string }> {
  const seed = tokens.state.issue(
    `${tokenNameFamily('rotation', secretArn)}initial`,
    ['read', 'tokens:write'],
    undefined,
    new Date(),
  );
  const put = await client.send(
    new PutSecretValueCommand({
      SecretId: secretArn,
      SecretString: JSON.stringify({
        provider: 'http',
        token: seed.token,
        tokenId: seed.id,
        settings: localTokenServiceSettings(options.serviceUrl ?? tokens.url),
        ...options.extra,
      }),
    }),
  );
  return { seed, versionId: put.VersionId ?? '' };
}
