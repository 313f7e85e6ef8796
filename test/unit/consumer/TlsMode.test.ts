import { TlsDowngradeError, type TlsMode } from '@secrets-rotation/rotating-secrets';
import { TLS_MODES, TLS_STRENGTH } from '@secrets-rotation/rotating-secrets/secret-format';
import { describe, expect, it } from 'vitest';
import { effectiveTlsMode } from '../../../packages/rotating-secrets/src/TlsMode.js';

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf';

describe('the TLS modes', () => {
  it('are listed strongest first, in the order of their strength', () => {
    expect([...TLS_MODES].sort((a, b) => TLS_STRENGTH[b] - TLS_STRENGTH[a])).toEqual(TLS_MODES);
    expect(new Set(TLS_MODES.map((mode) => TLS_STRENGTH[mode])).size).toBe(TLS_MODES.length);
    expect(Object.keys(TLS_STRENGTH).sort()).toEqual([...TLS_MODES].sort());
  });
});

describe('effectiveTlsMode', () => {
  it.each<[TlsMode, TlsMode | undefined, TlsMode]>([
    ['verify-full', undefined, 'verify-full'],
    ['verify-ca', undefined, 'verify-ca'],
    ['disable', undefined, 'disable'],
    ['verify-full', 'verify-full', 'verify-full'],
    ['verify-ca', 'verify-ca', 'verify-ca'],
    ['verify-ca', 'verify-full', 'verify-full'],
    ['disable', 'disable', 'disable'],
    ['disable', 'verify-ca', 'verify-ca'],
    ['disable', 'verify-full', 'verify-full'],
  ])('uses the application mode %s raised by the secret mode %s: %s', (application, secret, expected) => {
    expect(effectiveTlsMode(application, secret, SECRET_ID)).toBe(expected);
  });

  it.each<[TlsMode, TlsMode]>([
    ['verify-full', 'verify-ca'],
    ['verify-full', 'disable'],
    ['verify-ca', 'disable'],
  ])('refuses to let the secret lower %s to %s', (application, secret) => {
    let caught: unknown;
    try {
      effectiveTlsMode(application, secret, SECRET_ID);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TlsDowngradeError);
    expect(caught).toMatchObject({
      name: 'TlsDowngradeError',
      secretId: SECRET_ID,
      applicationMode: application,
    });
    const message = (caught as Error).message;
    expect(message).toContain(SECRET_ID);
    expect(message).toContain("key 'ssl'");
    expect(message).toContain('tls.mode');
    // What the secret asked for is part of the secret value; the message names only the key.
    expect(message).not.toContain(`'${secret}'`);
  });
});
