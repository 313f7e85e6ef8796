import { describe, expect, it } from 'vitest';
import { RemoteBindRefusedError } from '../../../local/endpoint/errors.js';
import { startTokenService, type TokenService } from '../../../local/token-service/startTokenService.js';
import { rawRequest } from '../../support/rawRequest.js';
import { useTokenServices } from '../../support/startTestTokenService.js';

const ADMIN = 'lts_admin_for_host_tests_0001';
const service = useTokenServices({ adminTokens: [ADMIN] });

function issueWithHost(s: TokenService, host: string | null) {
  return rawRequest(s.url, {
    method: 'POST',
    path: '/v1/tokens',
    host,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'rebound', scopes: ['read'] }),
  });
}

describe('the DNS-rebinding defence of the local token service', () => {
  it.each(['evil.example', '127.0.0.1.evil.example:4567', null])(
    'answers Host %j with 403 and a JSON error, and issues nothing',
    async (host) => {
      const s = await service();

      const response = await issueWithHost(s, host);

      expect(response.status).toBe(403);
      const body = JSON.parse(response.body) as Record<string, unknown>;
      expect(body['error']).toMatch(
        /local token service only answers requests whose Host header is a loopback name/,
      );
      expect(body['error']).toContain('--allow-remote');
      expect(s.state.all()).toEqual([]);
      expect(s.requests.size).toBe(0);
    },
  );

  it('issues the same token when the Host is a loopback name', async () => {
    const s = await service();

    const response = await issueWithHost(s, `localhost:${new URL(s.url).port}`);

    expect(response.status).toBe(201);
    expect(s.state.all()).toHaveLength(1);
  });

  it('does not verify a token for a foreign Host', async () => {
    const s = await service();
    const token = s.state.issue('app', ['read'], undefined, new Date());

    const response = await rawRequest(s.url, {
      path: '/v1/me',
      host: 'evil.example',
      headers: { authorization: `Bearer ${token.token}` },
    });

    expect(response.status).toBe(403);
    expect(response.body).not.toContain(token.id);
  });
});

describe('binding the local token service', () => {
  it('refuses a non-loopback address without allowRemote', async () => {
    await expect(startTokenService({ host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(
      RemoteBindRefusedError,
    );
  });

  it('with allowRemote on every interface, warns about clear-text tokens and answers any Host', async () => {
    const warnings: string[] = [];
    const s = await service({
      host: '0.0.0.0',
      allowRemote: true,
      warn: (message) => warnings.push(message),
    });

    const response = await rawRequest(`http://127.0.0.1:${new URL(s.url).port}`, {
      path: '/v1/me',
      host: 'evil.example',
      headers: { authorization: `Bearer ${ADMIN}` },
    });

    expect(response.status).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: the local token service is listening on http:\/\/0\.0\.0\.0:/);
    expect(warnings[0]).toContain('no TLS');
    expect(warnings[0]).toContain('any Host header');
  });
});
