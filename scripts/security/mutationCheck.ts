/**
 * Proves each defense against a hostile secret matters: for every mutation in mutations.ts, a copy
 * of the project with that one defense removed is built, and the tests named for it must fail there.
 * Exits 1 when a mutation leaves a named test green (the defense is untested), when its text is no
 * longer in the file (the list is stale), or when the copy does not build.
 *
 *   npm run test:mutations [-- --only <part of a defense>]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUTATIONS, type Mutation } from './mutations.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const SKIP = new Set(['node_modules', 'dist', '.git', 'bench', 'docs']);

interface Outcome {
  readonly mutation: Mutation;
  readonly problem: string | undefined;
  readonly seconds: number;
}

function copyProject(): string {
  const copy = mkdtempSync(join(tmpdir(), 'mutant-'));
  cpSync(root, copy, {
    recursive: true,
    filter: (source) => {
      const relative = source.slice(root.length).replace(/^\/+/, '');
      const top = relative.split('/')[0] ?? '';
      return !SKIP.has(top) && !relative.includes('/node_modules') && !relative.startsWith('dist.');
    },
  });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

function run(copy: string, mutation: Mutation): string | undefined {
  const path = join(copy, mutation.file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(mutation.find).length - 1;
  if (count !== 1) return `its text occurs ${count} times in ${mutation.file} (stale mutation)`;
  writeFileSync(path, text.replace(mutation.find, mutation.replace));
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts'],
    {
      cwd: copy,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) return `the mutant does not build: ${build.stderr.slice(-400)}`;
  const report = join(copy, 'mutant-report.json');
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  spawnSync(
    process.execPath,
    [vitest, 'run', ...mutation.files, '--reporter=json', `--outputFile=${report}`],
    {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let results: { testResults: { assertionResults: { fullName: string; status: string }[] }[] };
  try {
    results = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return 'the tests wrote no report';
  }
  const tests = results.testResults.flatMap((file) => file.assertionResults);
  const green = mutation.red.filter((name) => {
    const named = tests.filter((test) => test.fullName.includes(name));
    return named.length === 0 || named.some((test) => test.status !== 'failed');
  });
  return green.length === 0 ? undefined : `still green (or missing) without it: ${green.join(', ')}`;
}

const selected = MUTATIONS.filter((m) => values.only === undefined || m.defense.includes(values.only));
const outcomes: Outcome[] = [];
for (const mutation of selected) {
  const started = performance.now();
  const copy = copyProject();
  let problem: string | undefined;
  try {
    problem = run(copy, mutation);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  outcomes.push({ mutation, problem, seconds });
  process.stdout.write(
    `${problem === undefined ? 'killed' : 'SURVIVED'}  ${mutation.defense} (${seconds.toFixed(1)} s)` +
      `${problem === undefined ? `: red ${mutation.red.join(', ')}` : `: ${problem}`}\n`,
  );
}
const survived = outcomes.filter((o) => o.problem !== undefined).length;
process.stdout.write(`mutation check: ${outcomes.length - survived} passed, ${survived} failed\n`);
process.exit(survived === 0 && outcomes.length > 0 ? 0 : 1);
