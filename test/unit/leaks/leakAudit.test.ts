import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditOutput,
  auditSecrets,
  LEAK_AUDIT_DIR,
  readLeakAudit,
} from '../../../testing/leaks/leakAudit.js';

let dir = '';
let outer: string | undefined;
beforeEach(() => {
  outer = process.env[LEAK_AUDIT_DIR];
  dir = mkdtempSync(join(tmpdir(), 'leak-audit-'));
});
afterEach(() => {
  if (outer === undefined) delete process.env[LEAK_AUDIT_DIR];
  else process.env[LEAK_AUDIT_DIR] = outer;
  rmSync(dir, { recursive: true, force: true });
});

describe('the leak audit hand-over', () => {
  it('gives the suite runner every output and secret value handed over while the directory is set', () => {
    process.env[LEAK_AUDIT_DIR] = dir;

    auditOutput('first line');
    auditOutput('second line');
    auditSecrets(['Xk2v9Q-secret-1', '']);
    auditSecrets(['Xk2v9Q-secret-2', 'Xk2v9Q-secret-1']);

    const audit = readLeakAudit(dir);
    expect(audit.outputs).toEqual(['first line\nsecond line\n']);
    expect([...audit.secrets].sort()).toEqual(['Xk2v9Q-secret-1', 'Xk2v9Q-secret-2']);
  });

  it('hands over nothing when the directory is not set', () => {
    delete process.env[LEAK_AUDIT_DIR];

    auditOutput('a line');
    auditSecrets(['Xk2v9Q-secret-1']);

    expect(readLeakAudit(dir)).toEqual({ outputs: [], secrets: new Set() });
  });
});
