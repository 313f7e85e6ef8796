import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The direction dependencies may take: product code and scripts never reach into the tests, and
 * what `npm start` and the functions run never depends on test tooling (testing/). Test tooling
 * itself is used by scripts, so it may not reach into the tests either.
 */
const RULES: ReadonlyArray<{ readonly forbidden: string; readonly folders: readonly string[] }> = [
  { forbidden: 'test', folders: ['scripts', 'local', 'shared', 'functions', 'cli', 'packages', 'testing'] },
  { forbidden: 'testing', folders: ['local', 'shared', 'functions', 'cli', 'packages'] },
];

const SOURCE_FILE = /\.[cm]?[jt]s$/;
/** Static and dynamic imports, re-exports, side-effect imports, require, and files named by URL. */
const REFERENCE =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bnew\s+URL\s*\(\s*)(['"])(\.{1,2}\/[^'"]*|\.{1,2})\1/g;

/** The relative module specifiers and file URLs `source` names. */
function relativeReferences(source: string): string[] {
  return [...source.matchAll(REFERENCE)].map((match) => match[2] ?? '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE_FILE.test(entry.name) ? [path] : [];
  });
}

/** The top-level folder a reference from `file` lands in. */
function topFolder(file: string, reference: string): string {
  return relative(ROOT, resolve(dirname(file), reference)).split(/[\\/]/)[0] ?? '';
}

describe('the relative-reference scan', () => {
  it('sees every form of import, re-export and file URL', () => {
    const source = [
      "import { a } from '../test/a.js';",
      "import type { B } from '../test/b.js';",
      "export * from '../test/c.js';",
      "export { d } from '../test/d.js';",
      "import '../test/e.js';",
      "const f = await import('../test/f.js');",
      "const g = new URL('../test/g', import.meta.url);",
      "import { h } from 'vitest';",
    ].join('\n');

    expect(relativeReferences(source)).toEqual([
      '../test/a.js',
      '../test/b.js',
      '../test/c.js',
      '../test/d.js',
      '../test/e.js',
      '../test/f.js',
      '../test/g',
    ]);
  });
});

for (const { forbidden, folders } of RULES) {
  describe(`what may not import from ${forbidden}/`, () => {
    it.each(folders)(`%s/ imports nothing from ${forbidden}/`, (folder) => {
      const files = sourceFiles(join(ROOT, folder));
      const offending = files.flatMap((file) =>
        relativeReferences(readFileSync(file, 'utf8'))
          .filter((reference) => topFolder(file, reference) === forbidden)
          .map((reference) => `${relative(ROOT, file)} → ${reference}`),
      );

      // An empty folder would pass without proving anything.
      expect(files.length).toBeGreaterThan(0);
      expect(offending).toEqual([]);
    });
  });
}

// A package is installed on its own: the repository around it is not there.
describe('what a workspace package may import', () => {
  it.each(readdirSync(join(ROOT, 'packages')))(
    'packages/%s/ names nothing outside itself by path',
    (name) => {
      const base = join(ROOT, 'packages', name);
      const files = sourceFiles(base);
      const offending = files.flatMap((file) =>
        relativeReferences(readFileSync(file, 'utf8'))
          .filter((reference) => relative(base, resolve(dirname(file), reference)).startsWith('..'))
          .map((reference) => `${relative(ROOT, file)} → ${reference}`),
      );

      expect(files.length).toBeGreaterThan(0);
      expect(offending).toEqual([]);
    },
  );
});
