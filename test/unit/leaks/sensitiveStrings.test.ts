import { describe, expect, it } from 'vitest';
import { sensitiveStrings } from '../../../testing/leaks/sensitiveStrings.js';

describe('sensitiveStrings', () => {
  it('returns the whole value and every credential-like field, nested ones included', () => {
    const value = JSON.stringify({
      username: 'app_user',
      password: 'Xk2v9Q-password',
      settings: { adminToken: 'Xk2v9Q-admin-token' },
    });

    expect(sensitiveStrings(value).sort()).toEqual([value, 'Xk2v9Q-admin-token', 'Xk2v9Q-password'].sort());
  });

  it('leaves out identifiers named after what they identify, and values too short to search for', () => {
    const value = JSON.stringify({
      tokenId: 'tok_123456789',
      masterarn: 'arn:aws:secretsmanager:x',
      pin: '1',
      key: 'abc',
    });

    expect(sensitiveStrings(value)).toEqual([value]);
  });

  it('returns a value that is not JSON as it is', () => {
    expect(sensitiveStrings('not-json-but-secret')).toEqual(['not-json-but-secret']);
  });
});
