import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingAnchors, isExternal, markdownLinks } from '../../../scripts/docs/relativeLinks.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const PACKAGE_READMES = readdirSync(join(ROOT, 'packages'))
  .map((name) => `packages/${name}/README.md`)
  .filter((path) => existsSync(join(ROOT, path)));
const DOCS = ['README.md', ...markdownFiles('docs'), ...PACKAGE_READMES];

describe('reading links out of Markdown', () => {
  it('finds links, images and reference definitions with their lines, and skips code', () => {
    const markdown = [
      'See [deploy](docs/deploy.md#node-versions) and ![chart](bench/fleet.svg "title").',
      '`[not](a-link.md)` and',
      '```md',
      '[also not](inside-a-fence.md)',
      '```',
      '[ref]: docs/engine.md',
      '[site](https://example.com)',
    ].join('\n');

    expect(markdownLinks(markdown)).toEqual([
      { target: 'docs/deploy.md#node-versions', line: 1 },
      { target: 'bench/fleet.svg', line: 1 },
      { target: 'docs/engine.md', line: 6 },
      { target: 'https://example.com', line: 7 },
    ]);
    expect(['https://example.com', 'mailto:a@b.c', 'docs/x.md', '#anchor'].map(isExternal)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('gives headings the anchors GitHub gives them', () => {
    const anchors = headingAnchors(
      '# The `api-token` function\n## Node versions\n## Node versions\n### Sizing: 1,000 secrets?',
    );

    expect([...anchors]).toEqual([
      'the-api-token-function',
      'node-versions',
      'node-versions-1',
      'sizing-1000-secrets',
    ]);
  });
});

describe('the docs', () => {
  it.each(DOCS)('%s links only to files and headings that exist', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const broken = markdownLinks(text)
      .filter((link) => !isExternal(link.target))
      .flatMap(({ target, line }) => {
        const [path = '', anchor] = target.split('#');
        const file =
          path === '' ? join(ROOT, doc) : resolve(dirname(join(ROOT, doc)), decodeURIComponent(path));
        const where = `${doc}:${line} → ${target}`;
        if (relative(ROOT, file).startsWith('..') || !existsSync(file)) return [`${where} (no such file)`];
        if (anchor === undefined || anchor === '' || statSync(file).isDirectory() || !file.endsWith('.md'))
          return [];
        return headingAnchors(readFileSync(file, 'utf8')).has(anchor) ? [] : [`${where} (no such heading)`];
      });

    expect(broken).toEqual([]);
  });

  it('link every doc from the README', () => {
    const linked = new Set(
      markdownLinks(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((link) => link.target.split('#')[0]),
    );

    expect(DOCS.filter((doc) => doc !== 'README.md' && !linked.has(doc))).toEqual([]);
  });
});
