import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Appends each entry as one JSON line to `<dir>/<file>`, readable by the owner only. Without a
 * `dir` the history lives in memory only and nothing is written.
 */
export function jsonLinesWriter(dir: string | undefined, file: string): (entry: object) => void {
  if (dir === undefined) return () => undefined;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, file);
  return (entry) => appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}
