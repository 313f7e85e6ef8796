import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { lambdaClientSettings } from '../../../shared/secrets/lambdaClientSettings.js';

describe('lambdaClientSettings', () => {
  it('takes every setting the SDK would look up in a file from the environment, with the SDK defaults', async () => {
    const settings = lambdaClientSettings({});
    expect(settings).toMatchObject({
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      defaultsMode: 'legacy',
      authSchemePreference: [],
      retryMode: 'standard',
      maxAttempts: 3,
      disableClockSkewCorrection: false,
      ignoreConfiguredEndpointUrls: true,
    });
    expect(await settings.userAgentAppId()).toBeUndefined();
  });

  it('honours the variables the SDK reads', async () => {
    const settings = lambdaClientSettings({
      AWS_USE_FIPS_ENDPOINT: 'true',
      AWS_USE_DUALSTACK_ENDPOINT: 'TRUE',
      AWS_DEFAULTS_MODE: 'in-region',
      AWS_AUTH_SCHEME_PREFERENCE: 'sigv4a, sigv4',
      AWS_SDK_UA_APP_ID: 'platform-rotation',
      AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'true',
      AWS_MAX_ATTEMPTS: '5',
      AWS_RETRY_MODE: 'adaptive',
    });
    expect(settings).toMatchObject({
      useFipsEndpoint: true,
      useDualstackEndpoint: true,
      defaultsMode: 'in-region',
      authSchemePreference: ['sigv4a', 'sigv4'],
      disableClockSkewCorrection: true,
      maxAttempts: 5,
      retryMode: 'adaptive',
    });
    expect(await settings.userAgentAppId()).toBe('platform-rotation');
  });

  it('refuses a value the SDK would refuse, naming the variable', () => {
    expect(() => lambdaClientSettings({ AWS_USE_FIPS_ENDPOINT: 'yes' })).toThrow(ConfigError);
    expect(() => lambdaClientSettings({ AWS_USE_FIPS_ENDPOINT: 'yes' })).toThrow(
      /AWS_USE_FIPS_ENDPOINT must be "true" or "false"/,
    );
    expect(() => lambdaClientSettings({ AWS_DEFAULTS_MODE: 'fast' })).toThrow(
      /AWS_DEFAULTS_MODE must be one of legacy/,
    );
  });
});
