import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Adds measured figures under `section` to the reliability report, when the suite runs through
 * `npm run test:reliability` (which names the directory); a plain vitest run records nothing.
 */
export function recordFigures(section: string, figures: Record<string, unknown>): void {
  const dir = process.env['RELIABILITY_FIGURES_DIR'];
  if (dir === undefined || dir === '') return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'figures.jsonl'), `${JSON.stringify({ section, ...figures })}\n`);
}
