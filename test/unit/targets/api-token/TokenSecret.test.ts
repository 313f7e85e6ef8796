import { describe, expect, it } from 'vitest';
import {
  parseTokenSecret,
  serializeTokenSecret,
  tokenProblem,
  withToken,
} from '../../../../shared/targets/api-token/TokenSecret.js';

const TOKEN = 'tok-value-never-shown-1234';

describe('token secret format', () => {
  it('reads the documented keys and keeps unknown ones through a new token', () => {
    const secret = parseTokenSecret(
      JSON.stringify({
        provider: 'http',
        token: TOKEN,
        tokenId: 'a1',
        expiresAt: '2030-01-01T00:00:00Z',
        team: 'billing',
        settings: { x: 1 },
      }),
    );

    const rotated = JSON.parse(
      serializeTokenSecret(withToken(secret, { token: 'new-token-value-5678', tokenId: 'b2' })),
    );

    expect(secret).toMatchObject({ provider: 'http', tokenId: 'a1', adminSecretArn: undefined });
    expect(rotated).toEqual({
      provider: 'http',
      token: 'new-token-value-5678',
      tokenId: 'b2',
      team: 'billing',
      settings: { x: 1 },
    });
  });

  it('keeps the expiry a new token has', () => {
    const secret = parseTokenSecret(JSON.stringify({ token: TOKEN }));
    const rotated = JSON.parse(
      serializeTokenSecret(
        withToken(secret, { token: 'n-token-value', tokenId: 'c3', expiresAt: '2031-02-03T00:00:00Z' }),
      ),
    );
    expect(rotated.expiresAt).toBe('2031-02-03T00:00:00Z');
    expect(secret.provider).toBeUndefined();
  });

  it.each([
    [{ provider: 'http' }, 'token'],
    [{ provider: 'http', token: 42 }, 'token'],
    [{ provider: 'http', token: TOKEN, tokenId: 7 }, 'tokenId'],
    [{ provider: '', token: TOKEN }, 'provider'],
    [{ token: TOKEN, adminSecretArn: '' }, 'adminSecretArn'],
  ])('names the bad key of %j without quoting a value', (value, key) => {
    let caught: unknown;
    try {
      parseTokenSecret(JSON.stringify(value));
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toContain(key);
    expect((caught as Error).message).not.toContain(TOKEN);
  });

  it('does not echo an unparseable secret', () => {
    expect(() => parseTokenSecret(`{"token": "${TOKEN}"`)).toThrow(/not valid JSON/);
    try {
      parseTokenSecret(`{"token": "${TOKEN}"`);
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN);
    }
  });
});

describe('a token as a header value', () => {
  it.each([
    ['a CR LF that would start a new header', 'tok\r\nx-admin: yes'],
    ['a NUL', 'tok\u0000en'],
    ['a character beyond Latin-1', 'tok€n'],
    ['more than 8192 characters', 't'.repeat(8193)],
  ])('is refused at parse when it holds %s, naming the key and never the value', (_what, token) => {
    let caught: unknown;
    try {
      parseTokenSecret(JSON.stringify({ provider: 'http', token }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'TokenSecretError', key: 'token' });
    expect((caught as Error).message).not.toContain(token);
  });

  it('accepts printable ASCII and Latin-1', () => {
    expect(tokenProblem('ghp_AbC-123.xyz~+/=')).toBeUndefined();
    expect(tokenProblem('café')).toBeUndefined();
  });
});
