import { onlyAllowedArn } from '../../config/ArnAllowList.js';
import type { RotationContext, RotationTarget } from '../../rotation/RotationTarget.js';
import type { SecretStore } from '../../secrets/SecretStore.js';
import { parseSecretJson } from '../../secrets/secretJson.js';
import type { ApiTokenConfig } from './ApiTokenConfig.js';
import { SingleLiveTokenError, TokenSecretError } from './errors.js';
import { resolveProvider } from './providers/resolveProvider.js';
import type { TokenProvider } from './TokenProvider.js';
import { parseTokenSecret, serializeTokenSecret, type TokenSecret, withToken } from './TokenSecret.js';
import { tokenNameFamily } from './tokenNameFamily.js';

export interface ApiTokenTargetDependencies {
  readonly config: ApiTokenConfig;
  /** Reads the admin secret a token secret may name. */
  readonly store: SecretStore;
  readonly fetchImpl?: typeof fetch;
}

/**
 * Rotates tokens of HTTP APIs. Every token it issues is named `<prefix>:<secret hash>:<version>`,
 * so a retried step can find what a crashed attempt issued, and it only ever revokes tokens so
 * named. AWSCURRENT and AWSPREVIOUS stay live; what falls out of AWSPREVIOUS is revoked.
 */
export function createApiTokenTarget(deps: ApiTokenTargetDependencies): RotationTarget<TokenSecret> {
  const { config, store } = deps;
  /**
   * The function's own provider and settings win; a secret may describe its provider only when the
   * function allows origins, since the settings decide where the admin token is sent.
   */
  const provider = (secret: TokenSecret): TokenProvider => {
    const name = config.provider ?? secret.provider;
    if (name === undefined)
      throw new TokenSecretError('provider', 'is missing and TOKEN_PROVIDER is not set');
    let settings = config.settings;
    if (settings === undefined && secret.settings !== undefined) {
      if (config.policy.allowedOrigins === undefined) {
        throw new TokenSecretError(
          'settings',
          'may only describe the provider when the function sets TOKEN_PROVIDER_ALLOWED_ORIGINS; ask its owner to ' +
            'set TOKEN_PROVIDER_SETTINGS or to allow the origins',
        );
      }
      settings = secret.settings;
    }
    return resolveProvider(name, settings, config.http, deps.fetchImpl, config.policy);
  };
  const family = (context: RotationContext) => tokenNameFamily(config.namePrefix, context.secretArn);

  /** The admin secret's token when one is named (and allowed), else the token itself. */
  const credentialFor = async (secret: TokenSecret): Promise<string> => {
    if (secret.adminSecretArn === undefined) return secret.token;
    const adminArn = secret.adminSecretArn;
    // Matched as written: a full ARN names exactly one secret, so no lookup is needed to trust it.
    if (config.allowedAdminSecrets !== undefined && !config.allowedAdminSecrets.allows(adminArn)) {
      throw new TokenSecretError(
        'adminSecretArn',
        "names a secret that is not in ALLOWED_ADMIN_SECRET_ARNS (give its full ARN); name an allowed admin secret, or ask the function's owner to allow it",
      );
    }
    const admin = await store.getValue(adminArn, { stage: 'AWSCURRENT' });
    if (admin === undefined)
      throw new TokenSecretError('adminSecretArn', 'names a secret with no AWSCURRENT value');
    const token = parseSecretJson(admin.value)['token'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenSecretError('adminSecretArn', "names a secret without a string 'token' key");
    }
    return token;
  };

  return {
    name: 'api-token',
    parse: parseTokenSecret,
    serialize: serializeTokenSecret,
    async generate(current, context) {
      const api = provider(current);
      if (
        api.singleLiveToken &&
        current.adminSecretArn === undefined &&
        !config.allowSingleLiveWithoutAdmin
      ) {
        throw new SingleLiveTokenError(api.name);
      }
      const credential = await credentialFor(current);
      const name = `${family(context)}${context.versionId}`;
      if (api.singleLiveToken) {
        context.logger.warn(
          'Provider allows one live token: issuing the new token revokes the current one, so clients holding ' +
            'AWSCURRENT fail until they read the new value, and AWSPREVIOUS will not work; old tokens are not ' +
            'revoked after finishSecret because the provider already did',
          { provider: api.name, adminCredential: current.adminSecretArn !== undefined },
        );
      }
      // A crashed earlier attempt may have issued a token whose value was never stored: revoke it.
      for (const orphan of (await api.list(credential)).filter((t) => t.name === name)) {
        await api.revoke(orphan.tokenId, credential);
        context.logger.info('Revoked a token an earlier attempt issued but never stored', {
          tokenId: orphan.tokenId,
        });
      }
      const issued = await api.issue(name, credential);
      context.logger.info('Issued a new token', {
        provider: api.name,
        tokenId: issued.tokenId,
        tokenName: name,
      });
      return withToken(current, issued);
    },
    relatedSecrets(step, value) {
      if (step !== 'createSecret' && step !== 'finishSecret') return [];
      const admin = value === undefined ? onlyAllowedArn(config.allowedAdminSecrets) : value.adminSecretArn;
      if (admin === undefined) return [];
      // Never read ahead what credentialFor would refuse to read.
      if (config.allowedAdminSecrets !== undefined && !config.allowedAdminSecrets.allows(admin)) return [];
      return [{ secretId: admin, describe: false }];
    },
    async set(_pending, _values, context) {
      context.logger.debug('Tokens are live once issued; nothing to set');
    },
    async test(value) {
      await provider(value).test(value.token);
    },
    async discard(generated, context) {
      if (generated.tokenId === undefined) return;
      if (provider(generated).singleLiveToken && generated.adminSecretArn === undefined) {
        // The current token died when this one was issued; revoking this one too would leave none.
        context.logger.error(
          'The new token could not be stored and the provider already revoked the current one: issue a token by ' +
            'hand and store it with `aws secretsmanager put-secret-value`, or name an admin secret (adminSecretArn) ' +
            'so a retry can recover by itself',
          { tokenId: generated.tokenId },
        );
        return;
      }
      await provider(generated).revoke(generated.tokenId, await credentialFor(generated));
      context.logger.info('Revoked the new token because it could not be stored', {
        tokenId: generated.tokenId,
      });
    },
    async afterFinish(values, context) {
      const current = await values.current();
      const api = provider(current);
      if (api.singleLiveToken) return;
      const previous = await values.previous();
      const keep = new Set([current.tokenId, previous?.tokenId]);
      const credential = await credentialFor(current);
      const stale = (await api.list(credential)).filter(
        (t) => t.name.startsWith(family(context)) && !keep.has(t.tokenId),
      );
      for (const token of stale) await api.revoke(token.tokenId, credential);
      context.logger.info('Revoked tokens that are neither AWSCURRENT nor AWSPREVIOUS', {
        revoked: stale.length,
      });
    },
  };
}
