import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAttackCorpus } from './support/AttackCase.js';
import { renderAttackTable } from './support/renderAttackTable.js';

const DOC = new URL('../../docs/threat-model.md', import.meta.url);
const START = '<!-- attacks:start -->';
const END = '<!-- attacks:end -->';
/** Cells trimmed and separator rows reduced, so the formatter's column padding does not count. */
const cells = (table: string) =>
  table
    .trim()
    .split('\n')
    .map((row) =>
      row
        .trim()
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/^-+$/, '---')),
    );

describe('the threat model document', () => {
  it('lists exactly the attacks of the corpus with their outcomes', () => {
    const text = readFileSync(DOC, 'utf8');
    const table = text.slice(text.indexOf(START) + START.length, text.indexOf(END)).trim();
    expect(text).toContain(START);
    // On failure the diff shows the table to paste: the corpus is the source of truth.
    expect(cells(table)).toEqual(cells(renderAttackTable(loadAttackCorpus())));
  });
});
