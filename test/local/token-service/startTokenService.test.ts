import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import { useTokenServices } from '../../support/startTestTokenService.js';

const ADMIN = 'lts_admin_for_tests_only_0001';
const service = useTokenServices({ adminTokens: [ADMIN] });

async function call(s: TokenService, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === '' ? undefined : JSON.parse(text)) as Record<string, string>,
  };
}

describe('the local token service', () => {
  it('issues, verifies, lists and revokes tokens; a second revoke is 404', async () => {
    const s = await service();
    const issued = await call(s, 'POST', '/v1/tokens', ADMIN, { name: 'app', scopes: ['read'] });
    expect(issued.status).toBe(201);
    expect(issued.body['token']).toMatch(/^lts_/);

    expect((await call(s, 'GET', '/v1/me', issued.body['token'])).body).toMatchObject({
      id: issued.body['id'],
      name: 'app',
    });
    const listed = await call(s, 'GET', '/v1/tokens', ADMIN);
    expect(listed.body['tokens']).toEqual([expect.objectContaining({ id: issued.body['id'], name: 'app' })]);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body['token']);

    expect((await call(s, 'DELETE', `/v1/tokens/${issued.body['id']}`, ADMIN)).status).toBe(204);
    expect((await call(s, 'DELETE', `/v1/tokens/${issued.body['id']}`, ADMIN)).status).toBe(404);
    expect((await call(s, 'GET', '/v1/me', issued.body['token'])).status).toBe(401);
  });

  it('answers 401 without a known token and 403 for a missing scope', async () => {
    const s = await service();
    const reader = await call(s, 'POST', '/v1/tokens', ADMIN, { name: 'reader', scopes: ['read'] });
    expect((await call(s, 'GET', '/v1/me')).status).toBe(401);
    expect((await call(s, 'GET', '/v1/me', 'lts_unknown')).status).toBe(401);
    expect((await call(s, 'GET', '/v1/tokens', reader.body['token'])).status).toBe(403);
    expect((await call(s, 'POST', '/v1/tokens', reader.body['token'], { name: 'x' })).status).toBe(403);
  });

  it('keeps one live token in single-token mode, and expires tokens after their TTL', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const s = await service({ singleLiveToken: true, ttlSeconds: 60, clock: () => now });
    const first = await call(s, 'POST', '/v1/tokens', ADMIN, { name: 'one' });
    const second = await call(s, 'POST', '/v1/tokens', ADMIN, { name: 'two' });
    expect(second.body['expiresAt']).toBe('2030-01-01T00:01:00.000Z');
    expect((await call(s, 'GET', '/v1/me', first.body['token'])).status).toBe(401);
    expect((await call(s, 'GET', '/v1/me', second.body['token'])).status).toBe(200);
    now = new Date('2030-01-01T00:01:00Z');
    expect((await call(s, 'GET', '/v1/me', second.body['token'])).status).toBe(401);
  });

  it('injects faults by method and path, and slow answers', async () => {
    const s = await service();
    s.injectFault({ method: 'POST', path: '/v1/tokens', status: 429, count: 1 });
    s.injectFault({ path: '/v1/me', status: 500, count: 1 });
    expect((await call(s, 'GET', '/v1/tokens', ADMIN)).status).toBe(200);
    expect((await call(s, 'POST', '/v1/tokens', ADMIN, { name: 'a' })).status).toBe(429);
    expect((await call(s, 'POST', '/v1/tokens', ADMIN, { name: 'a' })).status).toBe(201);
    expect((await call(s, 'GET', '/v1/me', ADMIN)).status).toBe(500);
    s.injectFault({ path: '/v1/me', delayMs: 100, count: 1 });
    const started = performance.now();
    expect((await call(s, 'GET', '/v1/me', ADMIN)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(s.requests.get('POST /v1/tokens')).toBe(2);
  });

  it('keeps its tokens across a restart, in a file only its owner can read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-service-'));
    try {
      const first = await service({ dataDir });
      const issued = await call(first, 'POST', '/v1/tokens', ADMIN, { name: 'kept' });
      await first.close();

      const second = await service({ dataDir });
      expect((await call(second, 'GET', '/v1/me', issued.body['token'])).status).toBe(200);
      expect(statSync(join(dataDir, 'tokens.json')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
