import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteBindRefusedError } from '../../../local/endpoint/errors.js';
import { startSecretsManagerServer } from '../../../local/endpoint/startSecretsManagerServer.js';
import { rawRequest } from '../../support/rawRequest.js';
import { startEndpoint, uniqueName } from './endpointFixture.js';

const operations: string[] = [];
const localRouteCalls: string[] = [];
let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
let port = '';
beforeAll(async () => {
  endpoint = await startEndpoint({
    onRequest: (operation) => operations.push(operation),
    localRoutes: (req, res) => {
      localRouteCalls.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return true;
    },
  });
  port = new URL(endpoint.server.url).port;
});
afterAll(async () => {
  await endpoint.close();
});

/** CreateSecret as a browser page would send it after rebinding its own name to 127.0.0.1. */
function createSecretWithHost(host: string | null, name: string) {
  return rawRequest(endpoint.server.url, {
    method: 'POST',
    host,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.CreateSecret',
    },
    body: JSON.stringify({ Name: name, SecretString: 'rebound-value' }),
  });
}

async function secretExists(name: string): Promise<boolean> {
  const listed = await endpoint.client.send(
    new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
  );
  return (listed.SecretList ?? []).some((secret) => secret.Name === name);
}

describe('the DNS-rebinding defence of the local endpoint', () => {
  it.each(['evil.example', 'evil.example:4566', '127.0.0.1.evil.example', 'localhost.evil.example', null])(
    'answers CreateSecret with Host %j by 403 AccessDeniedException and creates nothing',
    async (host) => {
      const name = uniqueName('rebound');
      const before = operations.length;

      const response = await createSecretWithHost(host, name);

      expect(response.status).toBe(403);
      const body = JSON.parse(response.body) as Record<string, unknown>;
      expect(body['__type']).toBe('AccessDeniedException');
      expect(body['message']).toMatch(/only answers requests whose Host header is a loopback name/);
      expect(body['message']).toContain('--allow-remote');
      expect(response.body).not.toContain('rebound-value');
      expect(operations.length).toBe(before);
      expect(await secretExists(name)).toBe(false);
      expect(endpoint.server.store.all().some((record) => record.name === name)).toBe(false);
    },
  );

  it('runs the same CreateSecret when the Host is a loopback name', async () => {
    const name = uniqueName('loopback');

    const response = await createSecretWithHost(`localhost:${port}`, name);

    expect(response.status).toBe(200);
    expect(await secretExists(name)).toBe(true);
  });

  it.each(['127.0.0.1', '127.9.8.7', 'localhost', '[::1]', 'app.localhost'])(
    'answers Host %s with or without the port',
    async (name) => {
      for (const host of [name, `${name}:${port}`]) {
        const response = await rawRequest(endpoint.server.url, {
          method: 'POST',
          host,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'secretsmanager.ListSecrets',
          },
          body: '{}',
        });
        expect(response.status, host).toBe(200);
      }
    },
  );

  it('refuses the /_local/ operator views to a foreign Host before they run', async () => {
    const before = localRouteCalls.length;

    const refused = await rawRequest(endpoint.server.url, { path: '/_local/events', host: 'evil.example' });
    const served = await rawRequest(endpoint.server.url, {
      path: '/_local/events',
      host: `127.0.0.1:${port}`,
    });

    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ __type: 'AccessDeniedException' });
    expect(served.status).toBe(200);
    expect(localRouteCalls.slice(before)).toEqual(['/_local/events']);
  });
});

describe('binding the local endpoint', () => {
  it('refuses a non-loopback address without allowRemote, before touching its data directory', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sm-bind-'));
    const dataDir = join(parent, 'state');
    try {
      for (const host of ['0.0.0.0', '::', '192.0.2.1']) {
        await expect(startSecretsManagerServer({ host, port: 0, dataDir })).rejects.toBeInstanceOf(
          RemoteBindRefusedError,
        );
      }
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('with allowRemote on every interface, warns and answers any Host', async () => {
    const warnings: string[] = [];
    const server = await startSecretsManagerServer({
      host: '0.0.0.0',
      port: 0,
      allowRemote: true,
      warn: (message) => warnings.push(message),
    });
    try {
      const response = await rawRequest(`http://127.0.0.1:${server.port}`, {
        method: 'POST',
        host: 'evil.example',
        headers: { 'x-amz-target': 'secretsmanager.ListSecrets' },
        body: '{}',
      });

      expect(response.status).toBe(200);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^WARNING: the local Secrets Manager endpoint is listening on http:\/\/0\.0\.0\.0:/,
      );
      expect(warnings[0]).toContain('no authentication (any credentials and signature are accepted)');
      expect(warnings[0]).toContain('no TLS');
      expect(warnings[0]).toContain('any Host header');
    } finally {
      await server.close();
    }
  });

  const lan = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;

  it.skipIf(lan === undefined)(
    'with allowRemote on one address, answers it and loopback names only',
    async () => {
      const address = lan ?? '';
      const warnings: string[] = [];
      const server = await startSecretsManagerServer({
        host: address,
        port: 0,
        allowRemote: true,
        warn: (message) => warnings.push(message),
      });
      try {
        const list = (host: string) =>
          rawRequest(server.url, {
            method: 'POST',
            host,
            headers: { 'x-amz-target': 'secretsmanager.ListSecrets' },
            body: '{}',
          });

        expect((await list(`${address}:${server.port}`)).status).toBe(200);
        expect((await list(`localhost:${server.port}`)).status).toBe(200);
        expect((await list('evil.example')).status).toBe(403);
        expect(warnings[0]).toContain(`loopback names or ${address}`);
      } finally {
        await server.close();
      }
    },
  );
});
