import { describe, expect, it } from 'vitest';
import { fieldProblem } from '../../../../shared/targets/postgres/connectionFields.js';
import { parsePostgresSecret } from '../../../../shared/targets/postgres/PostgresSecret.js';

const valid = {
  engine: 'postgres',
  host: 'db.internal',
  port: 5432,
  username: 'orders',
  password: 'Pw-123456',
  dbname: 'orders',
};
const parse = (overrides: Record<string, unknown>) => () =>
  parsePostgresSecret(JSON.stringify({ ...valid, ...overrides }));

describe('connection fields', () => {
  it.each([
    ['username', 'victim\u0000user\u0000own'],
    ['dbname', 'postgres\u0000user\u0000own'],
    ['password', 'pw\u0000more'],
    ['username', 'line\r\nbreak'],
    ['username', 'bidi\u202eoverride'],
    ['username', 'zero\u200bwidth'],
    ['dbname', 'lone\ud800surrogate'],
    ['username', 'x'.repeat(64)],
    ['dbname', 'é'.repeat(32)],
    ['host', '/tmp'],
    ['host', 'db.internal\u0000'],
    ['host', 'db internal'],
    ['host', 'h'.repeat(254)],
    ['masterarn', 'arn\u0000x'],
    ['password', 'p'.repeat(1025)],
  ])('refuses %s %j by name, without quoting it', (key, value) => {
    let caught: unknown;
    try {
      parse({ [key]: value })();
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'SecretFormatError', key });
    expect((caught as Error).message).not.toContain(value);
  });

  it.each([
    ['username', 42],
    ['dbname', true],
    ['host', ['a']],
    ['password', { a: 1 }],
  ])('refuses %s of the wrong JSON type', (key, value) => {
    expect(parse({ [key]: value })).toThrow(expect.objectContaining({ name: 'SecretFormatError', key }));
  });

  it('accepts ordinary names, IPv4 and IPv6 hosts, 63-byte names and Unicode passwords', () => {
    expect(parse({ host: '10.0.0.5' })().host).toBe('10.0.0.5');
    expect(parse({ host: 'fd00::5' })().host).toBe('fd00::5');
    expect(parse({ username: 'u'.repeat(63) })().username).toHaveLength(63);
    expect(parse({ password: 'pässwörd-😀-123' })().password).toBe('pässwörd-😀-123');
  });

  it('reports the problem in words that never contain the value', () => {
    expect(fieldProblem('a\u0000b', 'name')).toBe('must not contain control or invisible format characters');
    expect(fieldProblem('x'.repeat(64), 'name')).toContain('63 bytes');
    expect(fieldProblem('ok', 'name')).toBeUndefined();
  });
});
