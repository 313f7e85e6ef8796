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

// A token travels in an HTTP header: a control character would end or split the header, and a
// character beyond Latin-1 cannot be sent at all (fetch refuses it as if the network had failed).
const HEADER_VALUE = /^[\x20-\x7e\x80-\xff]*$/;

/** Why `token` cannot be sent as a header value, in words that never quote it; `undefined` when it can. */
export function tokenProblem(token: string): string | undefined {
  if (!HEADER_VALUE.test(token))
    return 'must be a valid HTTP header value (no control characters, Latin-1 only)';
  return token.length > 8192 ? 'must be at most 8192 characters' : undefined;
}

export function parseTokenSecret(secretString: string): TokenSecret {
  const fields = parseSecretJson(secretString);
  const token = requireStringKey(fields, 'token');
  const problem = tokenProblem(token);
  if (problem !== undefined) throw new TokenSecretError('token', problem);
  return Object.freeze({
    fields,
    provider: optionalString(fields, 'provider'),
    token,
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
