import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type PostgresCredential,
  parsePostgresCredential,
  RotatingPool,
  type RotatingPoolConfig,
  RotatingSecret,
  TlsConfigError,
} from '@secrets-rotation/rotating-secrets';
import { afterAll, describe, expect, it } from 'vitest';

// Construction never calls the network; nothing here connects.
const client = new SecretsManagerClient({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'a' },
});
afterAll(() => client.destroy());
const secret = new RotatingSecret<PostgresCredential>({
  secretId: 'orders/db',
  parse: parsePostgresCredential,
  client,
});

describe('RotatingPool configuration', () => {
  it.each([
    ['ssl', { ssl: false }],
    ['ssl', { ssl: { rejectUnauthorized: false } }],
    ['connectionString', { connectionString: 'postgres://h/db?sslmode=disable' }],
  ])('refuses %s, which would bypass the tls option', (setting, config) => {
    expect(() => new RotatingPool(secret, config as RotatingPoolConfig)).toThrow(
      expect.objectContaining({ name: 'TlsConfigError', setting }),
    );
  });

  it('refuses an unknown tls.mode', () => {
    expect(() => new RotatingPool(secret, { tls: { mode: 'prefer' as 'disable' } })).toThrow(TlsConfigError);
  });
});
