import { describe, expect, it } from 'vitest';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';

describe('assertNoSecretLeaks', () => {
  it('passes clean output', () => {
    expect(() => assertNoSecretLeaks('Step completed for createSecret', ['Xk2v9Q-secret-1'])).not.toThrow();
  });

  it('fails on a secret in the output, JSON-escaped too, naming fingerprints and offsets only', () => {
    const quoted = 'pa"ss\\word-01';
    const output = `{"msg":${JSON.stringify(quoted)}} and Xk2v9Q-secret-1`;

    const failure = (() => {
      try {
        assertNoSecretLeaks(output, ['Xk2v9Q-secret-1', quoted]);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();

    expect(failure?.message).toMatch(
      /^Secret values found in captured output \(2\): secret sha256:[0-9a-f]{12} at offset \d+; /,
    );
    expect(failure?.message).not.toContain('Xk2v9Q');
    expect(failure?.message).not.toContain('word-01');
  });
});
