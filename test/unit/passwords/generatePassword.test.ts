import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { generatePassword } from '../../../shared/passwords/generatePassword.js';
import { DEFAULT_EXCLUDE_CHARACTERS, loadPasswordPolicy } from '../../../shared/passwords/PasswordPolicy.js';

describe('generatePassword', () => {
  it('uses the configured length and never an excluded character', () => {
    const policy = loadPasswordPolicy({});
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(policy);
      expect(password).toHaveLength(32);
      for (const c of DEFAULT_EXCLUDE_CHARACTERS) expect(password).not.toContain(c);
    }
  });

  it('includes every allowed character class', () => {
    const policy = loadPasswordPolicy({ PASSWORD_LENGTH: '16' });
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(policy);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
    }
  });

  it('does not repeat itself', () => {
    const policy = loadPasswordPolicy({});
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword(policy)));
    expect(seen.size).toBe(1000);
  });

  it('spreads characters evenly over the alphabet', () => {
    const policy = loadPasswordPolicy({
      PASSWORD_LENGTH: '64',
      EXCLUDE_CHARACTERS: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    });
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++)
      for (const c of generatePassword(policy)) counts.set(c, (counts.get(c) ?? 0) + 1);
    const values = [...counts.values()];
    expect(counts.size).toBe(62);
    // 128,000 draws over 62 symbols: about 2,065 each; a biased generator drifts far beyond 15%.
    expect(Math.min(...values)).toBeGreaterThan(2065 * 0.85);
    expect(Math.max(...values)).toBeLessThan(2065 * 1.15);
  });

  it('rejects a policy that leaves too few characters', () => {
    expect(() =>
      loadPasswordPolicy({
        EXCLUDE_CHARACTERS:
          'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' +
          '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
      }),
    ).toThrow(ConfigError);
    expect(() => loadPasswordPolicy({ PASSWORD_LENGTH: '8' })).toThrow(
      /PASSWORD_LENGTH must be between 16 and 4096/,
    );
  });
});
