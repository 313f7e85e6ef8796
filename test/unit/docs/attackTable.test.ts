import { describe, expect, it } from 'vitest';
import { attackTable, parseAttackSummary } from '../../../scripts/docs/attackTable.js';

const file = (fields: Record<string, unknown>) =>
  JSON.stringify({
    id: 'pg-x',
    function: 'postgres-single-user',
    threat: 'The attacker tries a thing.',
    ...fields,
  });

describe('the threat model attack table', () => {
  it('shows each attack with its function, threat and outcome, in corpus file order', () => {
    const corpus = [
      parseAttackSummary('b.json', file({ id: 'pg-role', expect: { error: 'HostMismatchError' } })),
      parseAttackSummary('a.json', file({ id: 'pg-role-single-user', expect: { outcome: 'rotated' } })),
    ];

    expect(attackTable(corpus).split('\n')).toEqual([
      '| attack | function | what the attacker tries | outcome |',
      '| --- | --- | --- | --- |',
      // pg-role-single-user.json sorts before pg-role.json ('-' before '.'), as the files do.
      '| `pg-role-single-user` | `postgres-single-user` | The attacker tries a thing. | rotates (control) |',
      '| `pg-role` | `postgres-single-user` | The attacker tries a thing. | refused: `HostMismatchError` |',
    ]);
  });

  it('escapes a pipe in a threat so the row stays one row', () => {
    const corpus = [parseAttackSummary('a.json', file({ threat: 'a | b', expect: { error: 'E' } }))];

    expect(attackTable(corpus)).toContain('| a \\| b |');
  });

  it('names the corpus file whose fields the table needs are missing', () => {
    expect(() => parseAttackSummary('x.json', file({ threat: 3, expect: { error: 'E' } }))).toThrow(
      'x.json: threat must be a string',
    );
    expect(() => parseAttackSummary('y.json', file({ expect: {} }))).toThrow(
      'y.json: expect must name an error',
    );
  });
});
