import { createServer, type Socket } from 'node:net';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import {
  createSecretsManagerClient,
  resolveSecretsManagerEndpoint,
} from '../../../shared/secrets/createSecretsManagerClient.js';

describe('resolveSecretsManagerEndpoint', () => {
  it('uses no override by default', () => {
    expect(resolveSecretsManagerEndpoint({})).toBeUndefined();
  });

  it('prefers the service-specific variable, then the templates name, then the global one', () => {
    const all = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:1111',
      SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:2222',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:3333',
    };
    expect(resolveSecretsManagerEndpoint(all)).toBe('http://127.0.0.1:1111/');
    expect(resolveSecretsManagerEndpoint({ ...all, AWS_ENDPOINT_URL_SECRETS_MANAGER: undefined })).toBe(
      'http://127.0.0.1:2222/',
    );
    expect(resolveSecretsManagerEndpoint({ AWS_ENDPOINT_URL: 'https://vpce.example:443' })).toBe(
      'https://vpce.example/',
    );
  });

  it('rejects a malformed override with the variable name', () => {
    expect(() => resolveSecretsManagerEndpoint({ SECRETS_MANAGER_ENDPOINT: 'localhost:4566' })).toThrow(
      ConfigError,
    );
  });

  it('gives the client the resolved endpoint', async () => {
    const client = createSecretsManagerClient({ SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:4566' });
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4566);
  });
});

describe('createSecretsManagerClient timeouts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('gives up on an endpoint that accepts and never answers, with a TimeoutError', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    // The SDK reads region and credentials from the process environment, as in Lambda.
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const client = createSecretsManagerClient({
      SECRETS_MANAGER_ENDPOINT: `http://127.0.0.1:${port}`,
      SECRETS_MANAGER_TIMEOUT_MS: '200',
    });
    const started = performance.now();
    try {
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'any' }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      // Three attempts of 200 ms and the SDK's backoff, not an open-ended wait.
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(held.length).toBe(3);
    } finally {
      client.destroy();
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects a timeout out of bounds with the variable name', () => {
    expect(() => createSecretsManagerClient({ SECRETS_MANAGER_TIMEOUT_MS: '5' })).toThrow(
      /SECRETS_MANAGER_TIMEOUT_MS/,
    );
  });
});

describe('retries against the request quotas', () => {
  /** A Secrets Manager stand-in that answers the first `failures` requests with `error`, then a value. */
  async function scripted(failures: number, error: { status: number; type: string }) {
    const { createServer: createHttpServer } = await import('node:http');
    let requests = 0;
    const server = createHttpServer((_req, res) => {
      requests += 1;
      const failing = requests <= failures;
      const body = failing
        ? { __type: error.type, message: 'Rate exceeded' }
        : { ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x-AbCdEf', Name: 'x', VersionId: 'v' };
      res.writeHead(failing ? error.status : 200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = createSecretsManagerClient({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
    });
    return {
      client,
      requests: () => requests,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('carries a throttled request through five refusals, where other failures get three tries', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const throttled = await scripted(5, { status: 400, type: 'ThrottlingException' });
    const failing = await scripted(5, { status: 500, type: 'InternalServiceError' });
    try {
      const out = await throttled.client.send(new GetSecretValueCommand({ SecretId: 'x' }));
      expect(out.VersionId).toBe('v');
      expect(throttled.requests()).toBe(6);

      await expect(failing.client.send(new GetSecretValueCommand({ SecretId: 'x' }))).rejects.toMatchObject({
        name: 'InternalServiceError',
      });
      expect(failing.requests()).toBe(3);
    } finally {
      throttled.client.destroy();
      failing.client.destroy();
      await throttled.close();
      await failing.close();
      vi.unstubAllEnvs();
    }
  }, 30_000);
});
