import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createExampleProvider } from '../../../../docs/examples/providers/createExampleProvider.js';
import { createHttpProvider } from '../../../../shared/targets/api-token/providers/createHttpProvider.js';
import { parseHttpProviderSettings } from '../../../../shared/targets/api-token/providers/HttpProviderSettings.js';
import { ProviderHttp } from '../../../../shared/targets/api-token/providers/ProviderHttp.js';

// The examples the docs show are these files, embedded by scripts/docs/renderDocs.ts: what is tested
// here is exactly what a reader copies.
const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../docs/examples/providers/${name}`, import.meta.url), 'utf8'));

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | null;
  readonly body: unknown;
}

/** Answers each request with the response shape the API documents for that method and path. */
function documentedApi(answer: (method: string, url: URL) => [number, unknown]) {
  const seen: Seen[] = [];
  const impl = (async (input: string, init: RequestInit) => {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    seen.push({
      method,
      url: url.toString(),
      authorization: new Headers(init.headers).get('authorization'),
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const [status, body] = answer(method, url);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { impl, seen };
}

const retry = { timeoutMs: 1_000, maxAttempts: 1, baseDelayMs: 0 };

describe('the documented provider examples', () => {
  it('Cloudflare: issues, verifies (status in the body), lists and revokes user API tokens', async () => {
    const settings = parseHttpProviderSettings(example('cloudflare.json'));
    let status = 'active';
    const api = documentedApi((method, url) => {
      if (method === 'POST')
        return [
          200,
          {
            success: true,
            result: { id: 'cf1', value: 'cf-token-value', expires_on: '2030-01-01T00:00:00Z' },
          },
        ];
      if (url.pathname.endsWith('/verify')) return [200, { success: true, result: { id: 'cf1', status } }];
      if (method === 'DELETE') return [200, { success: true, result: { id: 'cf1' } }];
      return [200, { success: true, result: [{ id: 'cf1', name: 'rotation:abc:v1' }] }];
    });
    const provider = createHttpProvider('http', settings, new ProviderHttp('http', retry, api.impl));

    const issued = await provider.issue('rotation:abc:v1', 'admin-credential');
    await provider.test(issued.token);
    const listed = await provider.list('admin-credential');
    await provider.revoke(issued.tokenId, 'admin-credential');
    status = 'disabled';

    expect(issued).toEqual({ token: 'cf-token-value', tokenId: 'cf1', expiresAt: '2030-01-01T00:00:00Z' });
    expect(listed).toEqual([{ tokenId: 'cf1', name: 'rotation:abc:v1' }]);
    await expect(provider.test(issued.token)).rejects.toMatchObject({ name: 'TokenRejectedError' });
    expect(api.seen.map((s) => `${s.method} ${s.url} ${s.authorization}`)).toEqual([
      'POST https://api.cloudflare.com/client/v4/user/tokens Bearer admin-credential',
      'GET https://api.cloudflare.com/client/v4/user/tokens/verify Bearer cf-token-value',
      'GET https://api.cloudflare.com/client/v4/user/tokens?per_page=50 Bearer admin-credential',
      'DELETE https://api.cloudflare.com/client/v4/user/tokens/cf1 Bearer admin-credential',
      'GET https://api.cloudflare.com/client/v4/user/tokens/verify Bearer cf-token-value',
    ]);
    expect(api.seen[0]?.body).toMatchObject({ name: 'rotation:abc:v1' });
  });

  it('Linode: issues, verifies, lists and revokes personal access tokens (numeric ids)', async () => {
    const settings = parseHttpProviderSettings(example('linode.json'));
    const api = documentedApi((method) => {
      if (method === 'POST')
        return [
          200,
          { id: 123, label: 'rotation:abc:v1', token: 'li-token-value', expiry: '2030-01-01T00:00:00' },
        ];
      if (method === 'DELETE') return [200, {}];
      return [200, { data: [{ id: 123, label: 'rotation:abc:v1' }], page: 1, pages: 1, results: 1 }];
    });
    const provider = createHttpProvider('http', settings, new ProviderHttp('http', retry, api.impl));

    const issued = await provider.issue('rotation:abc:v1', 'admin-credential');
    await provider.test(issued.token);
    const listed = await provider.list('admin-credential');
    await provider.revoke(issued.tokenId, 'admin-credential');

    expect(issued).toEqual({ token: 'li-token-value', tokenId: '123', expiresAt: '2030-01-01T00:00:00' });
    expect(listed).toEqual([{ tokenId: '123', name: 'rotation:abc:v1' }]);
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST https://api.linode.com/v4/profile/tokens',
      'GET https://api.linode.com/v4/profile',
      'GET https://api.linode.com/v4/profile/tokens?page_size=500',
      'DELETE https://api.linode.com/v4/profile/tokens/123',
    ]);
    expect(api.seen[0]?.body).toEqual({ label: 'rotation:abc:v1', scopes: 'linodes:read_only' });
  });

  it('the example TypeScript provider issues, lists and revokes through ProviderHttp', async () => {
    const api = documentedApi((method) => {
      if (method === 'POST') return [201, { id: 'k1', secret: 'example-secret-value' }];
      if (method === 'DELETE') return [404, undefined];
      return [200, method === 'GET' ? [{ id: 'k1', description: 'rotation:abc:v1' }] : {}];
    });
    const provider = createExampleProvider(undefined, new ProviderHttp('example', retry, api.impl));
    expect(await provider.issue('rotation:abc:v1', 'c')).toEqual({
      token: 'example-secret-value',
      tokenId: 'k1',
    });
    expect(await provider.list('c')).toEqual([{ tokenId: 'k1', name: 'rotation:abc:v1' }]);
    await expect(provider.revoke('k1', 'c')).resolves.toBeUndefined();
  });
});
