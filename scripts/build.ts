import { chmodSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { readBuildProperties, toEsbuildOptions } from './functionBuildOptions.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const functionsDir = join(root, 'functions');
const distDir = join(root, 'dist');

const names = readdirSync(functionsDir).filter((name) => statSync(join(functionsDir, name)).isDirectory());
const options = toEsbuildOptions(readBuildProperties());

/**
 * The oldest Node that package.json's engines allows, as an esbuild target. The functions are built for
 * their Lambda runtime (build-options.json); the operator tool and the consumer library run on the
 * operator's or the application's Node, so they must not use syntax only the newest one parses.
 */
function oldestSupportedNode(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const range = pkg.engines?.node ?? '';
  const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())?.[1];
  if (floor === undefined) {
    throw new Error(`package.json engines.node must be ">=MAJOR[.MINOR]", got ${JSON.stringify(range)}`);
  }
  return `node${floor}`;
}
const hostTarget = oldestSupportedNode();

rmSync(distDir, { recursive: true, force: true });
await Promise.all(
  names.map((name) =>
    build({
      ...options,
      entryPoints: { index: join(functionsDir, name, 'index.ts') },
      outdir: join(distDir, name),
      metafile: false,
    }),
  ),
);
// The operator tool: one executable file, same options, plus the line that makes it runnable.
await build({
  ...options,
  target: hostTarget,
  entryPoints: [join(root, 'cli', 'bin.ts')],
  outfile: join(distDir, 'cli', 'secrets-rotation.mjs'),
  banner: { js: `#!/usr/bin/env node\n${options.banner?.['js'] ?? ''}` },
  metafile: false,
});
chmodSync(join(distDir, 'cli', 'secrets-rotation.mjs'), 0o755);
// The consumer library for applications: their own pg and Powertools, not bundled copies.
await build({
  entryPoints: [join(root, 'consumer', 'index.ts')],
  outfile: join(distDir, 'consumer.mjs'),
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: hostTarget,
  sourcemap: true,
  logLevel: 'warning',
});
process.stdout.write(
  `Built ${names.length} function(s), the CLI and the consumer library into dist/: ${names.join(', ')}, cli, consumer\n`,
);
