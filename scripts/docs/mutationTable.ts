import type { Mutation } from '../security/mutations.js';
import { markdownTable } from './markdownTable.js';

/** The threat model's table of defenses and the tests that turn red without each. */
export function mutationTable(mutations: readonly Mutation[]): string {
  return markdownTable(
    ['defense removed', 'in', 'turns red'],
    mutations.map((m) => [m.defense, `\`${m.file}\``, m.red.map((name) => `\`${name}\``).join(', ')]),
  );
}
