import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The suite-wide leak check. The suite runner names a directory in `LEAK_AUDIT_DIR`; while it is
 * set, every line the local stacks, functions and databases logged, and every secret value the
 * tests made, is handed over there, and the runner scans the run as a whole after it ends.
 * Nothing happens when it is not set (a plain vitest run).
 */
export const LEAK_AUDIT_DIR = 'LEAK_AUDIT_DIR';

const OUTPUT_PREFIX = 'output-';
const SECRETS_PREFIX = 'secrets-';

const dir = (): string | undefined => {
  const value = process.env[LEAK_AUDIT_DIR];
  return value === undefined || value === '' ? undefined : value;
};

export function auditOutput(text: string): void {
  const at = dir();
  if (at !== undefined && text.length > 0)
    appendFileSync(join(at, `${OUTPUT_PREFIX}${process.pid}.log`), `${text}\n`);
}

export function auditSecrets(values: Iterable<string>): void {
  const at = dir();
  if (at === undefined) return;
  const list = [...values].filter((v) => v.length > 0);
  if (list.length > 0)
    appendFileSync(join(at, `${SECRETS_PREFIX}${process.pid}.jsonl`), `${JSON.stringify(list)}\n`, {
      mode: 0o600,
    });
}

export interface LeakAudit {
  /** What each test process logged, one text per process. */
  readonly outputs: readonly string[];
  readonly secrets: ReadonlySet<string>;
}

/** For the suite runner: everything the test processes handed over to `auditDir`. */
export function readLeakAudit(auditDir: string): LeakAudit {
  const files = readdirSync(auditDir);
  const read = (prefix: string) =>
    files.filter((f) => f.startsWith(prefix)).map((f) => readFileSync(join(auditDir, f), 'utf8'));
  const secrets = new Set<string>();
  for (const file of read(SECRETS_PREFIX))
    for (const line of file.split('\n'))
      if (line !== '') for (const value of JSON.parse(line) as string[]) secrets.add(value);
  return { outputs: read(OUTPUT_PREFIX), secrets };
}
