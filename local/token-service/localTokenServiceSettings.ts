/**
 * The generic HTTP provider's description of the local token service: the same declarative
 * settings a real API gets, so the demo and tests exercise the generic provider end to end.
 */
export function localTokenServiceSettings(
  serviceUrl: string,
  options: { readonly singleLiveToken?: boolean; readonly scopes?: readonly string[] } = {},
): Record<string, unknown> {
  const caller = { authorization: 'Bearer {credential}' };
  return {
    singleLiveToken: options.singleLiveToken ?? false,
    issue: {
      method: 'POST',
      url: `${serviceUrl}/v1/tokens`,
      headers: caller,
      body: { name: '{name}', scopes: options.scopes ?? ['read', 'tokens:write'] },
      tokenPath: 'token',
      idPath: 'id',
      expiresAtPath: 'expiresAt',
    },
    verify: { method: 'GET', url: `${serviceUrl}/v1/me`, headers: { authorization: 'Bearer {token}' } },
    revoke: { method: 'DELETE', url: `${serviceUrl}/v1/tokens/{tokenId}`, headers: caller },
    list: {
      method: 'GET',
      url: `${serviceUrl}/v1/tokens`,
      headers: caller,
      itemsPath: 'tokens',
      idPath: 'id',
      namePath: 'name',
    },
  };
}
