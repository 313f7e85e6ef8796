import { describe, expect, it } from 'vitest';
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
