import { ConfigError } from '../../config/errors.js';

/**
 * Where a provider may be called. The function's owner sets it; a token secret cannot widen it.
 * Checked on every final URL (placeholders filled) before a request leaves the function.
 */
export interface ProviderPolicy {
  /** `TOKEN_PROVIDER_ALLOWED_ORIGINS`: origins requests may go to; `undefined` = the function's own settings only. */
  readonly allowedOrigins: readonly string[] | undefined;
  /**
   * `TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK`: plain http:// to a loopback host. Only the local stack sets
   * it: inside Lambda, localhost is the runtime API.
   */
  readonly allowHttpLoopback: boolean;
}

/**
 * Plain http to any loopback origin: what the operator tool uses when it checks a token against a
 * local endpoint, and what tests with token services of their own use. The local stack itself allows
 * only its token service's own origin (local/stack/localFunctionEnvironment.ts). Never set in a
 * deployment.
 */
export const LOOPBACK_PROVIDER_ENVIRONMENT = Object.freeze({
  TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'true',
  TOKEN_PROVIDER_ALLOWED_ORIGINS: 'http://127.0.0.1:*,http://localhost:*',
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export const isLoopbackHost = (hostname: string) =>
  LOOPBACK.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * Parses `https://api.example.com, https://*.example.net, http://127.0.0.1:*`: scheme, host and
 * optional port, where `*` stands for one or more host labels or the port.
 */
export function parseAllowedOrigins(name: string, raw: string | undefined): readonly string[] | undefined {
  if (raw === undefined) return undefined;
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) return undefined;
  for (const entry of entries) {
    if (!/^https?:\/\/[A-Za-z0-9.*[\]:-]+$/.test(entry) || /^https?:\/\/\*(:|$)/.test(entry)) {
      throw new ConfigError(
        name,
        'must list origins such as https://api.example.com (scheme and host, no path)',
      );
    }
  }
  return Object.freeze(entries.map((entry) => entry.toLowerCase()));
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => {
    const expression = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('[A-Za-z0-9.-]+')}$`);
    return expression.test(origin.toLowerCase());
  });
}
