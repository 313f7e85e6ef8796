import { describe, expect, it } from 'vitest';
import { ProviderHttp } from '../../../../shared/targets/api-token/providers/ProviderHttp.js';

const SECRET = 'Bearer sk-live-do-not-print-0001';

/** A fetch that answers from a script and records what it was asked. */
function scripted(...answers: Array<number | Error | [number, string]>) {
  const seen: RequestInit[] = [];
  const impl = (async (_url: string, init: RequestInit) => {
    seen.push(init);
    const next = answers.shift() ?? 200;
    if (next instanceof Error) throw next;
    const [status, body] = Array.isArray(next)
      ? next
      : [next, status204(next) ? '' : '{"error":"echo sk-live-do-not-print-0001"}'];
    return new Response(status204(status) ? null : body, { status });
  }) as unknown as typeof fetch;
  return { impl, seen };
}
const status204 = (status: number) => status === 204;

const request = {
  operation: 'verify the token',
  method: 'GET',
  url: 'https://api.example.com/me',
  headers: { authorization: SECRET },
};
const http = (impl: typeof fetch, maxAttempts = 3) =>
  new ProviderHttp('example', { timeoutMs: 1_000, maxAttempts, baseDelayMs: 1 }, impl);

describe('provider HTTP calls', () => {
  it('returns parsed JSON and sends the headers', async () => {
    const { impl, seen } = scripted([200, '{"id":"t1","nested":{"token":"x"}}']);
    const response = await http(impl).send(request);
    expect(response.body).toEqual({ id: 't1', nested: { token: 'x' } });
    expect(new Headers(seen[0]?.headers).get('authorization')).toBe(SECRET);
  });

  it('separates 401 from 403', async () => {
    await expect(http(scripted(401).impl).send(request)).rejects.toMatchObject({
      name: 'TokenRejectedError',
    });
    await expect(http(scripted(403).impl).send(request)).rejects.toMatchObject({ name: 'TokenScopeError' });
  });

  it('retries 429, 5xx and network errors, then succeeds', async () => {
    const { impl, seen } = scripted(429, 502, new TypeError('fetch failed'), 200);
    await http(impl, 4).send(request);
    expect(seen).toHaveLength(4);
  });

  it('stops after the bounded attempts with a named error carrying the last status', async () => {
    const { impl, seen } = scripted(500, 503, 503, 200);
    await expect(http(impl, 3).send(request)).rejects.toMatchObject({
      name: 'ProviderUnavailableError',
      attempts: 3,
      lastStatus: 503,
    });
    expect(seen).toHaveLength(3);
  });

  it('does not repeat a non-idempotent call after 5xx or a lost answer, but does after 429', async () => {
    const lost = scripted(new TypeError('socket hang up'), 200);
    await expect(http(lost.impl).send({ ...request, idempotent: false })).rejects.toMatchObject({
      attempts: 1,
    });
    const failed = scripted(500, 200);
    await expect(http(failed.impl).send({ ...request, idempotent: false })).rejects.toMatchObject({
      lastStatus: 500,
    });
    const throttled = scripted(429, 200);
    await http(throttled.impl).send({ ...request, idempotent: false });
    expect([lost.seen.length, failed.seen.length, throttled.seen.length]).toEqual([1, 1, 2]);
  });

  it('treats an accepted status as success (404 on revoke)', async () => {
    const response = await http(scripted(404).impl).send({ ...request, acceptStatuses: [404] });
    expect(response.status).toBe(404);
    await expect(http(scripted(404).impl).send(request)).rejects.toMatchObject({
      name: 'ProviderResponseError',
    });
  });

  it('times out a call that never answers', async () => {
    const hang = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )) as unknown as typeof fetch;
    const provider = new ProviderHttp('example', { timeoutMs: 20, maxAttempts: 2, baseDelayMs: 1 }, hang);
    await expect(provider.send(request)).rejects.toMatchObject({
      name: 'ProviderUnavailableError',
      lastStatus: undefined,
    });
  });

  it('never puts the request headers or the response body in an error', async () => {
    for (const status of [400, 401, 403, 500]) {
      const error = await http(scripted(status, status, status).impl)
        .send(request)
        .then(
          () => new Error('no error'),
          (e: unknown) => e as Error,
        );
      expect(error.name).not.toBe('Error');
      const text = JSON.stringify({ ...error, message: error.message, stack: error.stack });
      expect(text).not.toContain('sk-live-do-not-print-0001');
    }
    const notJson = await http(scripted([200, 'sk-live-do-not-print-0001']).impl)
      .send(request)
      .catch((e: unknown) => e as Error);
    expect(notJson).toMatchObject({ name: 'ProviderResponseError' });
    expect(String(notJson)).not.toContain('sk-live-do-not-print-0001');
  });
});

describe('where provider calls may go', () => {
  const policyHttp = (impl: typeof fetch, policy: ConstructorParameters<typeof ProviderHttp>[3]) =>
    new ProviderHttp('example', { timeoutMs: 1_000, maxAttempts: 1, baseDelayMs: 1 }, impl, policy);

  it.each([
    ['plain http to another host', 'http://tokens.internal/me', undefined, true],
    ['plain http to loopback without the local opt-in', 'http://127.0.0.1:9001/me', undefined, false],
    ['an origin outside the allowed list', 'https://evil.example/me', ['https://api.example.com'], false],
    ['a look-alike host', 'https://api.example.com.evil.example/me', ['https://api.example.com'], false],
    [
      'another port of an allowed host',
      'https://api.example.com:8443/me',
      ['https://api.example.com'],
      false,
    ],
    ['credentials in the URL', 'https://user:pw@api.example.com/me', ['https://api.example.com'], false],
  ])('refuses %s before any request', async (_label, url, allowedOrigins, allowHttpLoopback) => {
    const { impl, seen } = scripted(200);
    await expect(
      policyHttp(impl, { allowedOrigins, allowHttpLoopback }).send({ ...request, url }),
    ).rejects.toMatchObject({ name: 'ProviderOriginError' });
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['an allowed origin', 'https://api.example.com/me', ['https://api.example.com'], false],
    ['a wildcard subdomain', 'https://eu.api.example.com/me', ['https://*.api.example.com'], false],
    ['loopback http with the local opt-in', 'http://127.0.0.1:4567/me', ['http://127.0.0.1:*'], true],
  ])('sends to %s', async (_label, url, allowedOrigins, allowHttpLoopback) => {
    const { impl, seen } = scripted([200, '{}']);
    await policyHttp(impl, { allowedOrigins, allowHttpLoopback }).send({ ...request, url });
    expect(seen).toHaveLength(1);
  });

  it('never follows a redirect: a named error, no retry', async () => {
    const { impl, seen } = scripted(307);
    await expect(http(impl, 3).send(request)).rejects.toMatchObject({
      name: 'ProviderRedirectError',
      status: 307,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.redirect).toBe('manual');
  });
});
