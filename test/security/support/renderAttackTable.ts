import type { AttackCase } from './AttackCase.js';

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The threat model's table of attacks, rendered from the corpus so the two cannot drift apart. */
export function renderAttackTable(corpus: readonly AttackCase[]): string {
  const rows = corpus.map((attack) => {
    const outcome = 'error' in attack.expect ? `refused: \`${attack.expect.error}\`` : 'rotates (control)';
    return `| \`${attack.id}\` | \`${attack.function}\` | ${cell(attack.threat)} | ${outcome} |`;
  });
  return [
    '| attack | function | what the attacker tries | outcome |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
