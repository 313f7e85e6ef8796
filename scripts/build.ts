import { chmodSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { readBuildProperties, toEsbuildOptions } from './functionBuildOptions.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const functionsDir = join(root, 'functions');
const distDir = join(root, 'dist');

const names = readdirSync(functionsDir).filter((name) => statSync(join(functionsDir, name)).isDirectory());
const options = toEsbuildOptions(readBuildProperties());

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
  target: options.target ?? 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
process.stdout.write(
  `Built ${names.length} function(s), the CLI and the consumer library into dist/: ${names.join(', ')}, cli, consumer\n`,
);
