import { describe, expect, it } from 'vitest';
import { loadApiTokenConfig } from '../../../../shared/targets/api-token/ApiTokenConfig.js';

describe('api-token function config', () => {
  it('has bounded defaults', () => {
    expect(loadApiTokenConfig({})).toEqual({
      namePrefix: 'rotation',
      provider: undefined,
      settings: undefined,
      http: { timeoutMs: 5_000, maxAttempts: 4, baseDelayMs: 250 },
    });
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
  ])('names %s when it is invalid', (name, value) => {
    expect(() => loadApiTokenConfig({ [name]: value })).toThrow(name);
  });
});
