import { describe, expect, it } from 'vitest';
import { lambdaCredentials } from '../../../shared/secrets/lambdaCredentials.js';

const LAMBDA = {
  AWS_LAMBDA_FUNCTION_NAME: 'stack-random-value',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY',
  AWS_SECRET_ACCESS_KEY: 'example-secret-access-key',
};

describe('lambdaCredentials', () => {
  it("reads the role's credentials Lambda puts in the environment, with the session token", () => {
    expect(lambdaCredentials({ ...LAMBDA, AWS_SESSION_TOKEN: 'session-token' })).toEqual({
      accessKeyId: 'ASIAEXAMPLEKEY',
      secretAccessKey: 'example-secret-access-key',
      sessionToken: 'session-token',
    });
  });

  it('carries an expiry when the environment states one', () => {
    const credentials = lambdaCredentials({ ...LAMBDA, AWS_CREDENTIAL_EXPIRATION: '2026-12-01T00:00:00Z' });
    expect(credentials?.expiration?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it("leaves them to the SDK's default chain outside Lambda or without keys", () => {
    const { AWS_LAMBDA_FUNCTION_NAME: _name, ...outside } = LAMBDA;
    expect(lambdaCredentials(outside)).toBeUndefined();
    expect(lambdaCredentials({ AWS_LAMBDA_FUNCTION_NAME: 'f', AWS_ACCESS_KEY_ID: 'A' })).toBeUndefined();
    expect(lambdaCredentials({ ...LAMBDA, AWS_SECRET_ACCESS_KEY: ' ' })).toBeUndefined();
  });
});
