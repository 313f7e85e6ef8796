import { setTimeout as sleep } from 'node:timers/promises';
import {
  ProviderOriginError,
  ProviderRedirectError,
  ProviderResponseError,
  ProviderUnavailableError,
  TokenRejectedError,
  TokenScopeError,
} from '../errors.js';
import { isLoopbackHost, originAllowed, type ProviderPolicy } from '../ProviderPolicy.js';

export interface RetryOptions {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
}

export interface ProviderRequest {
  readonly operation: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Statuses that count as success without a body to read (404 on revoke: already gone). */
  readonly acceptStatuses?: readonly number[];
  /**
   * False for calls that create something (issuing a token): a 5xx or a lost answer may mean it
   * was done, and repeating it would leave an orphan, so only 429 (surely not done) is retried.
   * The rotation step fails instead, and its retry finds the orphan by name.
   */
  readonly idempotent?: boolean;
}

export interface ProviderResponse {
  readonly status: number;
  readonly body: unknown;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * The one way provider APIs are called: bounded timeout, retries with exponential backoff and
 * full jitter for 429, 5xx and network errors, and typed errors that never quote the request
 * (headers carry tokens) or the response body (it may echo one).
 */
export class ProviderHttp {
  constructor(
    readonly provider: string,
    readonly options: RetryOptions,
    readonly fetchImpl: typeof fetch = fetch,
    readonly policy: ProviderPolicy = { allowedOrigins: undefined, allowHttpLoopback: false },
  ) {}

  /** The last word on where a request may go: the final URL, after every placeholder is filled. */
  #checkDestination(request: ProviderRequest): void {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new ProviderResponseError(this.provider, request.operation, 'the URL is not absolute');
    }
    const refuse = (reason: string) =>
      new ProviderOriginError(this.provider, request.operation, url.origin, reason);
    if (url.username !== '' || url.password !== '') throw refuse('the URL carries a user name or password');
    if (url.protocol === 'http:') {
      if (!(this.policy.allowHttpLoopback && isLoopbackHost(url.hostname))) {
        throw refuse('plain http:// is only allowed to a loopback host where the local stack enables it');
      }
    } else if (url.protocol !== 'https:') {
      throw refuse(`the scheme ${url.protocol} is not https:`);
    }
    const allowed = this.policy.allowedOrigins;
    if (allowed !== undefined && !originAllowed(url.origin, allowed)) {
      throw refuse('the origin is not in TOKEN_PROVIDER_ALLOWED_ORIGINS');
    }
  }

  async send(request: ProviderRequest): Promise<ProviderResponse> {
    this.#checkDestination(request);
    let lastStatus: number | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      attempts = attempt;
      if (attempt > 1) {
        const cap = this.options.baseDelayMs * 2 ** (attempt - 2);
        await sleep(Math.random() * cap);
      }
      let response: Response;
      try {
        response = await this.fetchImpl(request.url, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...request.headers,
          },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          // A redirect would carry the token's header or body to wherever the server says.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch {
        lastStatus = undefined;
        if (request.idempotent === false) break;
        continue;
      }
      if (RETRYABLE(response.status)) {
        lastStatus = response.status;
        await response.body?.cancel();
        if (response.status === 429 || request.idempotent !== false) continue;
        break;
      }
      return this.#classify(request, response);
    }
    throw new ProviderUnavailableError(this.provider, request.operation, attempts, lastStatus);
  }

  async #classify(request: ProviderRequest, response: Response): Promise<ProviderResponse> {
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new ProviderRedirectError(this.provider, request.operation, response.status);
    }
    if (request.acceptStatuses?.includes(response.status)) {
      await response.body?.cancel();
      return { status: response.status, body: undefined };
    }
    if (response.status === 401) throw new TokenRejectedError(this.provider, request.operation);
    if (response.status === 403) throw new TokenScopeError(this.provider, request.operation);
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel();
      throw new ProviderResponseError(this.provider, request.operation, `HTTP ${response.status}`);
    }
    const text = await response.text();
    if (text.trim() === '') return { status: response.status, body: undefined };
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new ProviderResponseError(this.provider, request.operation, 'the body is not JSON');
    }
  }
}
