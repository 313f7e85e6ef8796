import { describe, expect, it } from 'vitest';
import { loadApiTokenConfig } from '../../../../shared/targets/api-token/ApiTokenConfig.js';

describe('api-token function config', () => {
  it('has bounded defaults, and allows no admin secret', () => {
    const { allowedAdminSecrets, ...rest } = loadApiTokenConfig({});
    expect(rest).toEqual({
      namePrefix: 'rotation',
      provider: undefined,
      settings: undefined,
      http: { timeoutMs: 5_000, maxAttempts: 4, baseDelayMs: 250 },
      policy: { allowedOrigins: undefined, allowHttpLoopback: false },
      allowSingleLiveWithoutAdmin: false,
    });
    expect(allowedAdminSecrets.patterns).toEqual([]);
    expect(allowedAdminSecrets.allows('arn:aws:secretsmanager:us-east-1:111122223333:secret:/x-AbCdEf')).toBe(
      false,
    );
  });

  it('reads the trust settings: origins, plain http to loopback, admin secrets, the one-live-token opt-in', () => {
    const config = loadApiTokenConfig({
      TOKEN_PROVIDER_ALLOWED_ORIGINS: 'https://API.example.com, http://127.0.0.1:*',
      TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK: 'true',
      ALLOWED_ADMIN_SECRET_ARNS: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/*',
      TOKEN_ALLOW_SINGLE_LIVE_WITHOUT_ADMIN: 'true',
    });
    expect(config.policy).toEqual({
      allowedOrigins: ['https://api.example.com', 'http://127.0.0.1:*'],
      allowHttpLoopback: true,
    });
    expect(
      config.allowedAdminSecrets?.allows(
        'arn:aws:secretsmanager:us-east-1:111122223333:secret:/platform/admin-AbCdEf',
      ),
    ).toBe(true);
    expect(
      config.allowedAdminSecrets?.allows(
        'arn:aws:secretsmanager:us-east-1:111122223333:secret:/services/x-AbCdEf',
      ),
    ).toBe(false);
    expect(config.allowSingleLiveWithoutAdmin).toBe(true);
  });

  it('reads provider settings from the function config', () => {
    const config = loadApiTokenConfig({
      TOKEN_PROVIDER: 'http',
      TOKEN_PROVIDER_SETTINGS: '{"singleLiveToken":true}',
    });
    expect(config.provider).toBe('http');
    expect(config.settings).toEqual({ singleLiveToken: true });
  });

  it.each([
    ['TOKEN_NAME_PREFIX', 'has spaces'],
    ['TOKEN_PROVIDER_SETTINGS', '{not json'],
    ['PROVIDER_TIMEOUT_MS', '5'],
    ['PROVIDER_MAX_ATTEMPTS', '11'],
    ['TOKEN_PROVIDER_ALLOWED_ORIGINS', 'https://api.example.com/v1'],
    ['TOKEN_PROVIDER_ALLOWED_ORIGINS', 'https://*'],
    ['TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK', 'yes'],
    ['ALLOWED_ADMIN_SECRET_ARNS', '/platform/admin'],
  ])('names %s when it is invalid', (name, value) => {
    expect(() => loadApiTokenConfig({ [name]: value })).toThrow(name);
  });
});
