/** A token as a provider issues it. `token` is secret; `tokenId` and `name` are not. */
export interface IssuedToken {
  readonly token: string;
  readonly tokenId: string;
  /** ISO 8601, when the API says. */
  readonly expiresAt?: string;
}

/** A live token as a provider lists it, without its value. */
export interface ListedToken {
  readonly tokenId: string;
  readonly name: string;
}

/**
 * What a token API must offer the rotation. `credential` is what authenticates the call: the
 * admin secret's token when the token secret names one, else the current token itself.
 */
export interface TokenProvider {
  readonly name: string;
  /** Issuing a token revokes the previous one (some APIs do): the engine then adapts the steps. */
  readonly singleLiveToken: boolean;
  /** Issues a token carrying `name`, so a retried step can find what an earlier attempt issued. */
  issue(name: string, credential: string): Promise<IssuedToken>;
  /** Resolves when the token authenticates and has its scopes; rejects with a typed provider error. */
  test(token: string): Promise<void>;
  /** Revokes a token; a token that is already gone counts as revoked. */
  revoke(tokenId: string, credential: string): Promise<void>;
  /** The live tokens the credential can see. */
  list(credential: string): Promise<readonly ListedToken[]>;
}
