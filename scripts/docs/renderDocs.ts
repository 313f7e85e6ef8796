/**
 * Writes the generated parts of the docs: tables of measured figures from the results files
 * (bench/results.json, bench/reliability.json, bench/consumer.json), the threat model's attack table
 * from the security corpus, and example files embedded as fenced blocks. Everything between
 * `<!-- generated:<section> -->` or `<!-- include: <file> -->` and its closing marker is replaced;
 * the rest of each document is left as written, then the document is formatted as Biome formats it.
 *
 *   npm run docs          rewrite README.md, every .md file under docs/ and each package's README
 *   npm run docs:check    change nothing; exit 1 naming each file and section that differs
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DOC_SECTIONS, type DocData, loadDocData } from './docSections.js';
import { formatMarkdown } from './formatMarkdown.js';
import { type DocBlock, fencedFile, findDocBlocks, replaceDocBlocks } from './replaceDocBlocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md, every Markdown file under docs/ and each package's README, as paths from the repository root. */
function documents(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.md') ? [path] : [];
    });
  const packageReadmes = readdirSync(join(ROOT, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(ROOT, path)));
  return ['README.md', ...walk('docs'), ...packageReadmes];
}

/** Where a block's content comes from, for messages. */
function sourceOf(block: DocBlock): string {
  return block.kind === 'include' ? block.name : (DOC_SECTIONS[block.name]?.source ?? 'nothing');
}

function renderBlock(path: string, block: DocBlock, data: DocData): string {
  if (block.kind === 'include') {
    const file = join(ROOT, block.name);
    if (relative(ROOT, file).startsWith('..') || !existsSync(file)) {
      throw new Error(`${path}: include ${block.name} names no file of the repository`);
    }
    return fencedFile(block.name, readFileSync(file, 'utf8'));
  }
  const section = DOC_SECTIONS[block.name];
  if (section === undefined) {
    throw new Error(
      `${path}: unknown section generated:${block.name} (known: ${Object.keys(DOC_SECTIONS).join(', ')})`,
    );
  }
  return section.render(data);
}

/** The sections of `committed` whose content differs from `rendered`'s, or why they cannot be paired. */
function differences(path: string, committed: string, rendered: string): string[] {
  const before = findDocBlocks(committed);
  const after = findDocBlocks(rendered);
  const named = before.flatMap((block, index) =>
    block.body === after[index]?.body
      ? []
      : [`${path}: section ${block.kind}:${block.name} differs from what ${sourceOf(block)} renders`],
  );
  return named.length > 0 ? named : [`${path}: formatting outside the generated sections differs`];
}

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const data = loadDocData(ROOT);
const problems: string[] = [];
const used = new Set<string>();

for (const path of documents()) {
  const committed = readFileSync(join(ROOT, path), 'utf8');
  let rendered: string;
  try {
    const blocks = findDocBlocks(committed);
    for (const block of blocks) if (block.kind === 'generated') used.add(block.name);
    rendered = formatMarkdown(
      ROOT,
      path,
      replaceDocBlocks(committed, (block) => renderBlock(path, block, data)),
    );
  } catch (error) {
    problems.push(
      error instanceof Error && error.message.startsWith(path) ? error.message : `${path}: ${String(error)}`,
    );
    continue;
  }
  // The formatter also formats embedded code: an included file must already be formatted, or the
  // doc would show something other than the file the tests run.
  for (const block of findDocBlocks(rendered)) {
    if (block.kind === 'include' && block.body.trim() !== renderBlock(path, block, data).trim()) {
      problems.push(
        `${path}: include ${block.name} is not formatted as Biome formats it (npx biome format --write ${block.name})`,
      );
    }
  }
  if (rendered === committed) continue;
  if (values.check) {
    problems.push(...differences(path, committed, rendered));
  } else {
    writeFileSync(join(ROOT, path), rendered);
    process.stdout.write(`wrote ${path}\n`);
  }
}

// A section no document shows is a table of figures that went missing from the docs.
for (const name of Object.keys(DOC_SECTIONS)) {
  if (!used.has(name)) problems.push(`no document shows section generated:${name}`);
}

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  if (values.check) process.stderr.write('Run npm run docs to write them.\n');
  process.exitCode = 1;
}
