/**
 * A section of a document that is written from data, never by hand:
 *
 *   <!-- generated:bench-fleet -->  …  <!-- /generated -->          a section rendered from results
 *   <!-- include: docs/examples/providers/linode.json -->  …  <!-- /include -->   a file, fenced
 */
export interface DocBlock {
  readonly kind: 'generated' | 'include';
  /** The section's name, or the included file's path from the repository root. */
  readonly name: string;
  /** The text between the markers. */
  readonly body: string;
}

// Markers stand on their own lines, so a marker quoted in running text is not one.
const BLOCK = /^<!-- (generated|include):\s*(\S+) -->\n([\s\S]*?)^<!-- \/\1 -->$/gm;
const OPENING = /^<!-- (?:generated|include):/gm;

/** Every block of `markdown`, in order. Throws when an opening marker has no closing one. */
export function findDocBlocks(markdown: string): DocBlock[] {
  const blocks = [...markdown.matchAll(BLOCK)].map((match) => ({
    kind: match[1] as DocBlock['kind'],
    name: match[2] ?? '',
    body: match[3] ?? '',
  }));
  const openings = markdown.match(OPENING)?.length ?? 0;
  if (openings !== blocks.length) {
    throw new Error(`${openings - blocks.length} section marker(s) without a matching closing marker`);
  }
  return blocks;
}

/** `markdown` with every block's body replaced by what `render` returns for it. */
export function replaceDocBlocks(markdown: string, render: (block: DocBlock) => string): string {
  findDocBlocks(markdown);
  return markdown.replace(BLOCK, (_match, kind: DocBlock['kind'], name: string, body: string) => {
    const content = render({ kind, name, body }).trim();
    return `<!-- ${kind}${kind === 'include' ? ': ' : ':'}${name} -->\n\n${content}\n\n<!-- /${kind} -->`;
  });
}

/** The fenced block an included file becomes, its language taken from the file's extension. */
export function fencedFile(path: string, content: string): string {
  const extension = /\.([a-z]+)$/.exec(path)?.[1] ?? '';
  const language = extension === 'yml' ? 'yaml' : extension;
  return `\`\`\`${language}\n${content.trimEnd()}\n\`\`\``;
}
