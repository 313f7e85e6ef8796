import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The suite-wide leak check: when `LEAK_AUDIT_DIR` is set (by `scripts/test/runSuite.ts`), every
 * line the local stacks, functions and databases logged, and every secret value the tests made,
 * is handed over so the run can be scanned as a whole after it ends. Nothing happens otherwise.
 */
const dir = (): string | undefined => {
  const value = process.env['LEAK_AUDIT_DIR'];
  return value === undefined || value === '' ? undefined : value;
};

export function auditOutput(text: string): void {
  const at = dir();
  if (at !== undefined && text.length > 0) appendFileSync(join(at, `output-${process.pid}.log`), `${text}\n`);
}

export function auditSecrets(values: Iterable<string>): void {
  const at = dir();
  if (at === undefined) return;
  const list = [...values].filter((v) => v.length > 0);
  if (list.length > 0)
    appendFileSync(join(at, `secrets-${process.pid}.jsonl`), `${JSON.stringify(list)}\n`, { mode: 0o600 });
}
