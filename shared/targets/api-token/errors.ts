/** The provider answered 401: the token (or the credential used) does not authenticate. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';

  constructor(
    readonly provider: string,
    readonly operation: string,
  ) {
    super(
      `${provider} rejected the token used to ${operation} (HTTP 401). If this is the current token, it was revoked ` +
        'or expired outside rotation: store a working token with `aws secretsmanager put-secret-value` (or fix the ' +
        'admin secret), then rotate again.',
    );
  }
}

/** The provider answered 403: the token authenticates but lacks a scope the call needs. */
export class TokenScopeError extends Error {
  override readonly name = 'TokenScopeError';

  constructor(
    readonly provider: string,
    readonly operation: string,
  ) {
    super(
      `${provider} accepted the token but refused to ${operation} (HTTP 403): it lacks a required scope or ` +
        'permission. Grant it, or issue tokens with the scopes the provider settings ask for.',
    );
  }
}

/** 429, 5xx or network failure that outlasted the bounded retries. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';

  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly attempts: number,
    readonly lastStatus: number | undefined,
  ) {
    super(
      `${provider} did not answer ${operation} successfully after ${attempts} attempts ` +
        `(last: ${lastStatus === undefined ? 'no response or timeout' : `HTTP ${lastStatus}`}). ` +
        'Secrets Manager retries the rotation; check the provider status if it keeps failing.',
    );
  }
}

/** Any other unexpected answer (4xx, or a body without the configured fields). */
export class ProviderResponseError extends Error {
  override readonly name = 'ProviderResponseError';

  constructor(
    readonly provider: string,
    readonly operation: string,
    detail: string,
  ) {
    super(`${provider} gave an unexpected answer to ${operation}: ${detail}. Check the provider settings.`);
  }
}

/** The token secret or its provider settings are not usable. Names the key, never a value. */
export class TokenSecretError extends Error {
  override readonly name = 'TokenSecretError';

  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`Token secret key '${key}' ${problem}.`);
  }
}
