import { TokenSecretError } from '../errors.js';
import type { ProviderPolicy } from '../ProviderPolicy.js';
import type { TokenProvider } from '../TokenProvider.js';
import { createHttpProvider } from './createHttpProvider.js';
import { parseHttpProviderSettings } from './HttpProviderSettings.js';
import { ProviderHttp, type RetryOptions } from './ProviderHttp.js';

export type ProviderFactory = (settings: unknown, http: ProviderHttp) => TokenProvider;

/** Providers by the name a token secret's `provider` key gives. A new provider adds one line here. */
export const PROVIDERS: Readonly<Record<string, ProviderFactory>> = {
  http: (settings, http) =>
    createHttpProvider('http', parseHttpProviderSettings(settings, http.policy), http),
};

export function resolveProvider(
  name: string,
  settings: unknown,
  retry: RetryOptions,
  fetchImpl: typeof fetch = fetch,
  policy?: ProviderPolicy,
): TokenProvider {
  const factory = PROVIDERS[name];
  if (factory === undefined) {
    throw new TokenSecretError(
      'provider',
      `names no known provider (known: ${Object.keys(PROVIDERS).join(', ')})`,
    );
  }
  return factory(settings, new ProviderHttp(name, retry, fetchImpl, policy));
}
