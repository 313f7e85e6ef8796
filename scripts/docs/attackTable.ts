import { markdownTable } from './markdownTable.js';

/** What the threat model shows of one attack of the security corpus (`test/security/corpus/*.json`). */
export interface AttackSummary {
  readonly id: string;
  readonly function: string;
  readonly threat: string;
  readonly expect: { readonly error?: string; readonly outcome?: string };
}

/** Reads one corpus file's text, naming the file when a field the table shows is missing. */
export function parseAttackSummary(file: string, text: string): AttackSummary {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const expect = (raw['expect'] ?? {}) as Record<string, unknown>;
  for (const key of ['id', 'function', 'threat'] as const) {
    if (typeof raw[key] !== 'string') throw new Error(`${file}: ${key} must be a string`);
  }
  if (typeof expect['error'] !== 'string' && expect['outcome'] !== 'rotated') {
    throw new Error(`${file}: expect must name an error or be {"outcome":"rotated"}`);
  }
  return {
    id: raw['id'] as string,
    function: raw['function'] as string,
    threat: raw['threat'] as string,
    expect: typeof expect['error'] === 'string' ? { error: expect['error'] } : { outcome: 'rotated' },
  };
}

/** The threat model's table of attacks, one row per corpus file, in file-name order. */
export function attackTable(corpus: readonly AttackSummary[]): string {
  const file = (attack: AttackSummary) => `${attack.id}.json`;
  return markdownTable(
    ['attack', 'function', 'what the attacker tries', 'outcome'],
    [...corpus]
      .sort((a, b) => (file(a) < file(b) ? -1 : file(a) > file(b) ? 1 : 0))
      .map((attack) => [
        `\`${attack.id}\``,
        `\`${attack.function}\``,
        attack.threat,
        attack.expect.error === undefined ? 'rotates (control)' : `refused: \`${attack.expect.error}\``,
      ]),
  );
}
