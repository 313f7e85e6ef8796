import { onlyAllowedArn, refusalOf } from '../../config/ArnAllowList.js';
import type { RotationContext, RotationTarget } from '../../rotation/RotationTarget.js';
import { checkPrivilegedSecret } from '../../secrets/checkPrivilegedSecret.js';
import { SecretsManagerCallError } from '../../secrets/errors.js';
import type { SecretStore } from '../../secrets/SecretStore.js';
import { parseSecretJson } from '../../secrets/secretJson.js';
import type { ApiTokenConfig } from './ApiTokenConfig.js';
import {
  AdminSettingsError,
  PrivilegedValueReturnedError,
  ProviderResponseError,
  SingleLiveTokenError,
  TokenSecretError,
} from './errors.js';
import { resolveProvider } from './providers/resolveProvider.js';
import type { IssuedToken, TokenProvider } from './TokenProvider.js';
import {
  parseTokenSecret,
  serializeTokenSecret,
  type TokenSecret,
  tokenProblem,
  withToken,
} from './TokenSecret.js';
import { tokenNameFamily } from './tokenNameFamily.js';

export interface ApiTokenTargetDependencies {
  readonly config: ApiTokenConfig;
  /** Reads the admin secret a token secret may name. */
  readonly store: SecretStore;
  readonly fetchImpl?: typeof fetch;
}

/** An admin secret, read and checked: the credential, its own provider settings, and every value it holds. */
interface AdminSecret {
  readonly arn: string;
  readonly token: string;
  readonly settings: unknown;
  /** Every string in the admin secret long enough to recognise; none may come back as a token. */
  readonly values: readonly string[];
}

/** Shorter strings would match ordinary token text by chance. */
const MIN_PRIVILEGED_LENGTH = 8;

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= MIN_PRIVILEGED_LENGTH ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * Rotates tokens of HTTP APIs. Every token it issues is named `<prefix>:<secret hash>:<version>`,
 * so a retried step can find what a crashed attempt issued, and it only ever revokes tokens so
 * named. AWSCURRENT and AWSPREVIOUS stay live; what falls out of AWSPREVIOUS is revoked.
 */
export function createApiTokenTarget(deps: ApiTokenTargetDependencies): RotationTarget<TokenSecret> {
  const { config, store } = deps;

  /**
   * The admin secret a token secret names, when it names one: allowed (on the ARN Secrets Manager
   * returns), not a secret this function rotates, with a string `token`.
   */
  const adminOf = async (secret: TokenSecret, context: RotationContext): Promise<AdminSecret | undefined> => {
    const adminArn = secret.adminSecretArn;
    if (adminArn === undefined) return undefined;
    const allowed = config.allowedAdminSecrets;
    const refuse = (reason: string) =>
      new TokenSecretError('adminSecretArn', `names a secret that is refused: ${reason}`);
    // Checked as written first, so a secret the list does not name is never even described.
    const asWritten = refusalOf(allowed, adminArn);
    if (asWritten !== undefined) throw refuse(`${asWritten} (give its full ARN)`);
    let metadata: Awaited<ReturnType<SecretStore['describe']>>;
    try {
      metadata = await store.describe(adminArn);
    } catch (error) {
      const awsError = error instanceof SecretsManagerCallError ? error.awsErrorName : undefined;
      throw new TokenSecretError(
        'adminSecretArn',
        `names a secret that cannot be described (${awsError ?? 'no answer'}; the role needs secretsmanager:DescribeSecret on it)`,
      );
    }
    checkPrivilegedSecret(metadata, allowed, context.functionArn, 'admin', (_arn, reason) => refuse(reason));
    const stored = await store.getValue(metadata.arn, { stage: 'AWSCURRENT' });
    if (stored === undefined)
      throw new TokenSecretError('adminSecretArn', 'names a secret with no AWSCURRENT value');
    let fields: Readonly<Record<string, unknown>>;
    try {
      fields = parseSecretJson(stored.value);
    } catch {
      throw new TokenSecretError('adminSecretArn', 'names a secret that is not a JSON object');
    }
    const token = fields['token'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenSecretError('adminSecretArn', "names a secret without a string 'token' key");
    }
    const problem = tokenProblem(token);
    if (problem !== undefined)
      throw new TokenSecretError('adminSecretArn', `names a secret whose 'token' ${problem}`);
    return { arn: metadata.arn, token, settings: fields['settings'], values: stringsIn(fields) };
  };

  /**
   * Where the calls go and what they carry. The function's own settings win. With an admin secret,
   * only the admin secret's settings may place its credential: a token secret's own settings never
   * receive it. A token secret may describe its own provider (placing only its own token) only when
   * the function allows origins.
   */
  const provider = (secret: TokenSecret, admin: AdminSecret | undefined): TokenProvider => {
    const name = config.provider ?? secret.provider;
    if (name === undefined)
      throw new TokenSecretError('provider', 'is missing and TOKEN_PROVIDER is not set');
    let settings = config.settings;
    if (settings === undefined && admin !== undefined) {
      if (secret.settings !== undefined) throw new AdminSettingsError(admin.arn);
      settings = admin.settings;
    } else if (settings === undefined && secret.settings !== undefined) {
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

  /** What a call that creates, lists or revokes tokens needs: the provider and the credential to use. */
  const access = async (secret: TokenSecret, context: RotationContext) => {
    const admin = await adminOf(secret, context);
    return { admin, api: provider(secret, admin), credential: admin?.token ?? secret.token };
  };

  /**
   * A provider that answers with the credential it was called with must not have it stored as a token,
   * nor a token that could never be sent back to it.
   */
  const checkIssued = (api: TokenProvider, issued: IssuedToken, privileged: readonly string[]) => {
    const unusable = tokenProblem(issued.token);
    if (unusable !== undefined)
      throw new ProviderResponseError(api.name, 'issue a token', `the new token ${unusable}`);
    for (const [field, value] of [
      ['token', issued.token],
      ['token id', issued.tokenId],
      ['expiry', issued.expiresAt],
    ] as const) {
      if (value === undefined) continue;
      // Equal to any held value, or containing one long enough not to occur by chance.
      const echoes = (held: string) =>
        value === held || (held.length >= MIN_PRIVILEGED_LENGTH && value.includes(held));
      if (privileged.some(echoes)) throw new PrivilegedValueReturnedError(api.name, field);
    }
  };

  return {
    name: 'api-token',
    parse: parseTokenSecret,
    serialize: serializeTokenSecret,
    async generate(current, context) {
      const { admin, api, credential } = await access(current, context);
      if (api.singleLiveToken && admin === undefined && !config.allowSingleLiveWithoutAdmin) {
        throw new SingleLiveTokenError(api.name);
      }
      const name = `${family(context)}${context.versionId}`;
      if (api.singleLiveToken) {
        context.logger.warn(
          'Provider allows one live token: issuing the new token revokes the current one, so clients holding ' +
            'AWSCURRENT fail until they read the new value, and AWSPREVIOUS will not work; old tokens are not ' +
            'revoked after finishSecret because the provider already did',
          { provider: api.name, adminCredential: admin !== undefined },
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
      checkIssued(api, issued, [credential, ...(admin?.values ?? [])]);
      context.logger.info('Issued a new token', {
        provider: api.name,
        tokenId: issued.tokenId,
        tokenName: name,
      });
      return withToken(current, issued);
    },
    relatedSecrets(step, value) {
      // testSecret needs the admin secret only for its settings, which the function's own replace.
      const reads =
        step === 'createSecret' ||
        step === 'finishSecret' ||
        (step === 'testSecret' && config.settings === undefined);
      if (!reads) return [];
      const admin = value === undefined ? onlyAllowedArn(config.allowedAdminSecrets) : value.adminSecretArn;
      // Never read ahead what adminOf would refuse to read.
      if (admin === undefined || !config.allowedAdminSecrets.allows(admin)) return [];
      return [{ secretId: admin, describe: true }];
    },
    async set(_pending, _values, context) {
      context.logger.debug('Tokens are live once issued; nothing to set');
    },
    async test(value, context) {
      const admin = config.settings === undefined ? await adminOf(value, context) : undefined;
      await provider(value, admin).test(value.token);
    },
    async discard(generated, context) {
      if (generated.tokenId === undefined) return;
      const { admin, api, credential } = await access(generated, context);
      if (api.singleLiveToken && admin === undefined) {
        // The current token died when this one was issued; revoking this one too would leave none.
        context.logger.error(
          'The new token could not be stored and the provider already revoked the current one: issue a token by ' +
            'hand and store it with `aws secretsmanager put-secret-value`, or name an admin secret (adminSecretArn) ' +
            'so a retry can recover by itself',
          { tokenId: generated.tokenId },
        );
        return;
      }
      await api.revoke(generated.tokenId, credential);
      context.logger.info('Revoked the new token because it could not be stored', {
        tokenId: generated.tokenId,
      });
    },
    async afterFinish(values, context) {
      const current = await values.current();
      const { api, credential } = await access(current, context);
      if (api.singleLiveToken) return;
      const previous = await values.previous();
      const keep = new Set([current.tokenId, previous?.tokenId]);
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
