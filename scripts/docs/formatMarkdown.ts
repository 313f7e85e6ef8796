import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const BIOME = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

/**
 * `markdown` as the repository's formatter writes `path` (tables padded, embedded code formatted),
 * so what `npm run docs` writes is what `biome ci` accepts, and the check compares like with like.
 */
export function formatMarkdown(root: string, path: string, markdown: string): string {
  return execFileSync(process.execPath, [BIOME, 'format', `--stdin-file-path=${path}`], {
    cwd: root,
    input: markdown,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}
