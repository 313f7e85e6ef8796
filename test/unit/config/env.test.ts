import { describe, expect, it } from 'vitest';
import { optionalBoolean, optionalInteger, optionalUrl, requiredString } from '../../../shared/config/env.js';
import { ConfigError } from '../../../shared/config/errors.js';

describe('environment helpers', () => {
  it('treat a blank variable as unset', () => {
    expect(() => requiredString({ NAME: '  ' }, 'NAME')).toThrow(ConfigError);
    expect(optionalInteger({ N: '' }, 'N', { min: 1, max: 9, default: 4 })).toBe(4);
  });

  it('name the variable in the error', () => {
    expect(() =>
      optionalInteger({ PASSWORD_LENGTH: '12abc' }, 'PASSWORD_LENGTH', { min: 1, max: 9, default: 4 }),
    ).toThrow(/PASSWORD_LENGTH must be a whole number/);
    expect(() => optionalInteger({ N: '10' }, 'N', { min: 1, max: 9, default: 4 })).toThrow(
      /N must be between 1 and 9/,
    );
    expect(() => optionalBoolean({ B: 'maybe' }, 'B', false)).toThrow(/B must be true or false/);
    expect(() => optionalUrl({ U: 'ftp://x' }, 'U')).toThrow(/U must be an http/);
    expect(() => optionalUrl({ U: 'not a url' }, 'U')).toThrow(/U must be an absolute URL/);
  });

  it('parse valid values', () => {
    expect(optionalInteger({ N: '7' }, 'N', { min: 1, max: 9, default: 4 })).toBe(7);
    expect(optionalBoolean({ B: 'YES' }, 'B', false)).toBe(true);
    expect(optionalUrl({ U: 'http://127.0.0.1:4566' }, 'U')?.port).toBe('4566');
  });
});
