import { credentialHash } from './credentialHash.js';
import type { RotatingSecret } from './RotatingSecret.js';

/** Options of {@link createTokenFetch}. */
export interface TokenFetchOptions {
  /** The secret whose parsed value carries the token. */
  readonly secret: RotatingSecret<{ readonly token: string }>;
  /**
   * The request header that carries the token.
   *
   * @default 'authorization'
   */
  readonly header?: string;
  /**
   * The header's value for a token.
   *
   * @default (token) => `Bearer ${token}`
   */
  readonly format?: (token: string) => string;
  /**
   * The `fetch` to send with.
   *
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
  /** Observability: a short hash of the token each request used (never the token). */
  readonly onRequest?: (event: { readonly tokenHash: string }) => void;
}

/**
 * `fetch` with the secret's token. `retryOn401: true` allows the retry after a 401 for a method
 * that is not idempotent (`POST`, `PATCH`).
 */
export type TokenFetch = (
  input: string | URL,
  init?: RequestInit & { readonly retryOn401?: boolean },
) => Promise<Response>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * `fetch` with the secret's current token. A 401 refreshes the token (one Secrets Manager call for
 * a burst) and retries once with the new one, or with AWSPENDING for providers that revoke the old
 * token on issue; only for idempotent methods unless the caller passes `retryOn401`, and only when
 * the body can be sent twice (a string, `URLSearchParams` or bytes).
 *
 * @example
 * ```ts
 * const partnerApi = createTokenFetch({
 *   secret: new RotatingSecret({
 *     secretId: 'prod/partner/api-token',
 *     parse: (text) => ({ token: String(JSON.parse(text).token) }),
 *   }),
 * });
 * const response = await partnerApi('https://api.partner.example/v1/orders');
 * ```
 */
export function createTokenFetch(options: TokenFetchOptions): TokenFetch {
  const header = options.header ?? 'authorization';
  const format = options.format ?? ((token: string) => `Bearer ${token}`);
  const send = options.fetch ?? fetch;
  let bridge: string | undefined;

  const attempt = (input: string | URL, init: RequestInit | undefined, token: string) => {
    const headers = new Headers(init?.headers);
    headers.set(header, format(token));
    options.onRequest?.({ tokenHash: credentialHash(token) });
    return send(input, { ...init, headers });
  };

  return async (input, init) => {
    const { retryOn401, ...rest } = init ?? {};
    const current = (await options.secret.get()).token;
    if (bridge === current) bridge = undefined;
    const used = bridge ?? current;
    const response = await attempt(input, rest, used);
    const method = (rest.method ?? 'GET').toUpperCase();
    const body = rest.body;
    const replayable =
      body === undefined ||
      body === null ||
      typeof body === 'string' ||
      body instanceof URLSearchParams ||
      body instanceof Uint8Array;
    if (response.status !== 401 || !replayable || !(SAFE_METHODS.has(method) || retryOn401 === true))
      return response;

    const fresh = (await options.secret.refresh()).token;
    let next: string | undefined = fresh !== used ? fresh : undefined;
    if (next === undefined) {
      const pending = (await options.secret.pending())?.token;
      next = pending !== undefined && pending !== used ? pending : undefined;
      bridge = next;
    } else {
      bridge = undefined;
    }
    if (next === undefined) return response;
    await response.body?.cancel();
    return attempt(input, rest, next);
  };
}
