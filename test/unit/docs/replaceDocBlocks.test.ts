import { describe, expect, it } from 'vitest';
import { fencedFile, findDocBlocks, replaceDocBlocks } from '../../../scripts/docs/replaceDocBlocks.js';

const DOC = [
  '# Title',
  '',
  '<!-- generated:bench-fleet -->',
  'old table',
  '<!-- /generated -->',
  '',
  'Prose that mentions `<!-- generated:bench-fleet -->` in running text.',
  '',
  '<!-- include: docs/examples/providers/linode.json -->',
  '```json',
  '{}',
  '```',
  '<!-- /include -->',
  '',
].join('\n');

describe('the sections of a document written from data', () => {
  it('finds generated and included sections, not markers quoted in running text', () => {
    const blocks = findDocBlocks(DOC);

    expect(blocks.map(({ kind, name }) => `${kind}:${name}`)).toEqual([
      'generated:bench-fleet',
      'include:docs/examples/providers/linode.json',
    ]);
    expect(blocks[0]?.body).toBe('old table\n');
  });

  it('replaces only what lies between the markers, keeping the markers and the prose', () => {
    const rendered = replaceDocBlocks(DOC, (block) =>
      block.kind === 'generated' ? 'new table' : 'the file',
    );

    expect(rendered).toBe(
      [
        '# Title',
        '',
        '<!-- generated:bench-fleet -->',
        '',
        'new table',
        '',
        '<!-- /generated -->',
        '',
        'Prose that mentions `<!-- generated:bench-fleet -->` in running text.',
        '',
        '<!-- include: docs/examples/providers/linode.json -->',
        '',
        'the file',
        '',
        '<!-- /include -->',
        '',
      ].join('\n'),
    );
  });

  it('is stable: rendering twice gives what rendering once gave', () => {
    const once = replaceDocBlocks(DOC, () => 'x');

    expect(replaceDocBlocks(once, () => 'x')).toBe(once);
  });

  it('refuses a section whose closing marker is missing', () => {
    const broken = '<!-- generated:attacks -->\n| table |\n';

    expect(() => findDocBlocks(broken)).toThrow('1 section marker(s) without a matching closing marker');
    expect(() => replaceDocBlocks(broken, () => '')).toThrow('without a matching closing marker');
  });

  it('fences an included file in the language of its extension', () => {
    expect(fencedFile('docs/examples/providers/linode.json', '{}\n')).toBe('```json\n{}\n```');
    expect(fencedFile('functions/random-value/index.ts', 'export {};\n')).toBe('```ts\nexport {};\n```');
    expect(fencedFile('examples/service-secret.yml', 'a: 1')).toBe('```yaml\na: 1\n```');
  });
});
