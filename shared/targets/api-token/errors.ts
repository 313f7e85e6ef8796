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

/** A provider request would leave the origins the function allows, or use plain http where it may not. */
export class ProviderOriginError extends Error {
  override readonly name = 'ProviderOriginError';

  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly origin: string,
    reason: string,
  ) {
    super(
      `Refusing to ${operation} at ${origin} (${provider}): ${reason}. Provider calls carry tokens, so they go only ` +
        "where the function's owner allows (TOKEN_PROVIDER_ALLOWED_ORIGINS, https:// only).",
    );
  }
}

/** The provider answered with a redirect; it is never followed, since the request carries a token. */
export class ProviderRedirectError extends Error {
  override readonly name = 'ProviderRedirectError';

  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly status: number,
  ) {
    super(
      `${provider} answered ${operation} with a redirect (HTTP ${status}); redirects are not followed because the ` +
        "request carries a token. Point the provider settings at the API's final URL.",
    );
  }
}

/** A one-live-token provider with no admin secret: one lost write would lock the application out. */
export class SingleLiveTokenError extends Error {
  override readonly name = 'SingleLiveTokenError';

  constructor(readonly provider: string) {
    super(
      `${provider} keeps one live token, and the secret names no admin secret: issuing the new token revokes the ` +
        'current one, so if the new value is then not stored the application is locked out. Name an admin secret ' +
        "(adminSecretArn), or have the function's owner accept the risk with TOKEN_ALLOW_SINGLE_LIVE_WITHOUT_ADMIN=true.",
    );
  }
}

/**
 * A token secret names an admin secret but would describe the calls itself: its own settings decide
 * where a request goes and what it carries, so they never receive the admin credential.
 */
export class AdminSettingsError extends Error {
  override readonly name = 'AdminSettingsError';

  constructor(readonly adminSecretArn: string) {
    super(
      `The token secret names admin secret ${adminSecretArn} and carries its own 'settings': a token secret's ` +
        'settings never place the admin credential. Put the provider settings in the admin secret (its ' +
        "'settings' key) or in the function's TOKEN_PROVIDER_SETTINGS, and remove them from the token secret.",
    );
  }
}

/** The provider handed back, as the new token, a credential the function holds on someone else's behalf. */
export class PrivilegedValueReturnedError extends Error {
  override readonly name = 'PrivilegedValueReturnedError';

  constructor(
    readonly provider: string,
    readonly field: string,
  ) {
    super(
      `${provider} answered 'issue a token' with a ${field} that equals or contains the credential the call was ` +
        'made with (or another value of the admin secret); it is not stored. Check the issue call of the provider ' +
        'settings (tokenPath, idPath) and the provider.',
    );
  }
}
