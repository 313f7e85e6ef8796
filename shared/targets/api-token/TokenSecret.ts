import { parseSecretJson, requireStringKey, type SecretObject } from '../../secrets/secretJson.js';
import { TokenSecretError } from './errors.js';

/** A token secret: the provider's name and settings, the token, and whatever else the owner keeps. */
export interface TokenSecret {
  /** Every stored key, so unknown ones survive rotation. */
  readonly fields: SecretObject;
  /** Absent when the function config names the provider. */
  readonly provider: string | undefined;
  readonly token: string;
  readonly tokenId: string | undefined;
  readonly expiresAt: string | undefined;
  readonly adminSecretArn: string | undefined;
  readonly settings: unknown;
}

function optionalString(object: SecretObject, key: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new TokenSecretError(key, 'must be a non-empty string');
  return value;
}

export function parseTokenSecret(secretString: string): TokenSecret {
  const fields = parseSecretJson(secretString);
  return Object.freeze({
    fields,
    provider: optionalString(fields, 'provider'),
    token: requireStringKey(fields, 'token'),
    tokenId: optionalString(fields, 'tokenId'),
    expiresAt: optionalString(fields, 'expiresAt'),
    adminSecretArn: optionalString(fields, 'adminSecretArn'),
    settings: fields['settings'],
  });
}

export function serializeTokenSecret(secret: TokenSecret): string {
  const { expiresAt, ...rest } = secret.fields;
  return JSON.stringify({
    ...rest,
    token: secret.token,
    ...(secret.tokenId === undefined ? {} : { tokenId: secret.tokenId }),
    ...(secret.expiresAt === undefined ? {} : { expiresAt: secret.expiresAt }),
  });
}

/** The same secret with a newly issued token; an expiry the new token lacks is dropped. */
export function withToken(
  secret: TokenSecret,
  issued: { readonly token: string; readonly tokenId: string; readonly expiresAt?: string },
): TokenSecret {
  return Object.freeze({
    ...secret,
    token: issued.token,
    tokenId: issued.tokenId,
    expiresAt: issued.expiresAt,
  });
}
