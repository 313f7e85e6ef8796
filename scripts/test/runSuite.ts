/**
 * Runs one part of the test suite with vitest, then the leak check over the whole run: every line
 * the tests, local stacks, functions, token services and databases logged, scanned for every
 * secret value the run made. Fails when a test fails or any secret value shows up.
 *
 *   tsx scripts/test/runSuite.ts main          everything but test/reliability (npm run test:main)
 *   tsx scripts/test/runSuite.ts reliability   test/reliability, with its figures (npm run test:reliability)
 *     [--out bench/reliability.json] [-- <vitest filters>]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { findLeaks } from '../../testing/leaks/findLeaks.js';
import { LEAK_AUDIT_DIR, readLeakAudit } from '../../testing/leaks/leakAudit.js';
import {
  formatLeakCheck,
  formatReliability,
  type LeakCheck,
  type ReliabilityResults,
} from './formatReliability.js';

const { values, positionals } = parseArgs({
  options: { out: { type: 'string' } },
  allowPositionals: true,
});
const [suite, ...filters] = positionals;
if (suite !== 'main' && suite !== 'reliability') {
  process.stderr.write('usage: runSuite.ts main|reliability [--out file] [vitest filters]\n');
  process.exit(2);
}
// Vitest ORs path filters: a filtered reliability run names only the filters.
const vitestArgs =
  suite === 'main'
    ? ['run', '--exclude', 'test/reliability/**', ...filters]
    : ['run', ...(filters.length > 0 ? filters : ['test/reliability'])];

const work = mkdtempSync(join(tmpdir(), `suite-${suite}-`));
const figuresDir = join(work, 'figures');
const auditDir = join(work, 'audit');
mkdirSync(figuresDir);
mkdirSync(auditDir, { mode: 0o700 });

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const started = performance.now();
const runOutput: string[] = [];
const exitCode = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [vitest, ...vitestArgs], {
    // No colours: an escape code inside a printed value would hide it from the scan.
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'FORCE_COLOR')),
      NO_COLOR: '1',
      RELIABILITY_FIGURES_DIR: figuresDir,
      [LEAK_AUDIT_DIR]: auditDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    runOutput.push(text);
    process.stdout.write(text);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    runOutput.push(text);
    process.stderr.write(text);
  });
  // 'close', not 'exit': the end of the output (the failure report) may still be in the pipes at exit.
  child.once('close', (code) => resolve(code ?? 1));
});
const seconds = (performance.now() - started) / 1000;

const { outputs, secrets } = readLeakAudit(auditDir);
const logged = [...outputs, runOutput.join('')].join('\n');
const leaks = findLeaks(logged, secrets);
// A scan that saw nothing proves nothing: a whole run must have handed over logs and values.
const auditWorked = filters.length > 0 || (secrets.size > 0 && outputs.length > 0);
if (!auditWorked) process.stderr.write('leak check: the tests handed over no logs or no secret values\n');
const leakCheck: LeakCheck = {
  logLines: logged.split('\n').length,
  megabytes: Math.round((Buffer.byteLength(logged) / 1e6) * 10) / 10,
  secretValues: secrets.size,
  leaks: leaks.length,
  fingerprints: [...new Set(leaks.map((l) => l.fingerprint))],
};

const sections = new Map<string, Array<Record<string, unknown>>>();
const figuresFile = join(figuresDir, 'figures.jsonl');
let figureLines: string[] = [];
try {
  figureLines = readFileSync(figuresFile, 'utf8').split('\n').filter(Boolean);
} catch {
  // No test recorded figures (the main suite, or a filtered run).
}
for (const line of figureLines) {
  const { section, ...rest } = JSON.parse(line) as { section: string } & Record<string, unknown>;
  sections.set(section, [...(sections.get(section) ?? []), rest]);
}
rmSync(work, { recursive: true, force: true });

const passed = exitCode === 0 && leaks.length === 0 && auditWorked;
if (suite === 'reliability') {
  const results: ReliabilityResults = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    passed,
    seconds: Math.round(seconds),
    sections: Object.fromEntries(sections),
    leakCheck,
  };
  process.stdout.write(`\n${formatReliability(results)}\n`);
  if (values.out !== undefined) {
    writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`figures written to ${values.out}\n`);
  }
} else {
  process.stdout.write(`\n${formatLeakCheck(leakCheck)}\n`);
}
if (leaks.length > 0)
  process.stderr.write(`LEAK: ${leaks.length} secret value(s) found in the suite's output\n`);
process.exitCode = passed ? 0 : 1;
