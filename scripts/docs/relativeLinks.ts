/** One link of a Markdown document: where it points, and the line it is on. */
export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

const blank = (text: string) => text.replace(/[^\n]/g, ' ');

/** The text with fenced code blocks blanked out, lines kept. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank);
}

/** The text with all code blanked out, lines kept, so code is not read as links. */
function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, blank);
}

/** Links and images (`[text](target)`, `![alt](target)`) and reference definitions (`[id]: target`). */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const text = withoutCode(markdown);
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({
    target: match[1] ?? '',
    line: lineOf(match.index),
  }));
  const references = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => ({
    target: match[1] ?? '',
    line: lineOf(match.index),
  }));
  return [...inline, ...references].sort((a, b) => a.line - b.line);
}

/** Whether a link leaves the repository (a URL with a scheme) rather than naming one of its files. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const heading = (match[1] ?? '').replace(/`/g, '');
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
