import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../../testing/leaks/findLeaks.js';

describe('findLeaks', () => {
  it('finds every secret, as is and JSON-escaped, at its offset', () => {
    const quoted = 'pa"ss\\word-01';
    const text = `a line with Xk2v9Q-secret-1 in it\n{"msg":${JSON.stringify(quoted)}}`;
    const leaks = findLeaks(text, ['Xk2v9Q-secret-1', quoted, 'absent-value-9']);
    expect(leaks.map((l) => l.offset)).toEqual([12, text.indexOf('pa\\"ss')]);
    expect(leaks.every((l) => /^[0-9a-f]{12}$/.test(l.fingerprint))).toBe(true);
  });

  it('reports nothing for clean text, short strings or a prefix of a secret only', () => {
    expect(findLeaks('token Xk2v9Q-secr and 5432', ['Xk2v9Q-secret-1', '5432'])).toEqual([]);
    expect(findLeaks('', ['Xk2v9Q-secret-1'])).toEqual([]);
  });

  it('never returns the secret itself', () => {
    const leaks = findLeaks('leaked: Xk2v9Q-secret-1', ['Xk2v9Q-secret-1']);
    expect(JSON.stringify(leaks)).not.toContain('Xk2v9Q');
    expect(leaks).toHaveLength(1);
  });
});
