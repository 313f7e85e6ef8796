import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { lambdaNode, lambdaNodeArm64 } from '../local/lambda/lambdaNode.js';
import { writeCodeCaches } from './codeCache/writeCodeCaches.js';
import { readBuildProperties, toEsbuildOptions } from './functionBuildOptions.js';
import { lazyNodeModules } from './lazyNodeModules.js';
import { samMakefile } from './samMakefile.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const functionsDir = join(root, 'functions');
const distDir = join(root, 'dist');
const packagesDir = join(root, 'packages');

const names = readdirSync(functionsDir).filter((name) => statSync(join(functionsDir, name)).isDirectory());
const options = toEsbuildOptions(readBuildProperties());

/**
 * The oldest Node that package.json's engines allows, as an esbuild target. The functions are built for
 * their Lambda runtime (build-options.json); the operator tool runs on the operator's Node, so it must
 * not use syntax only the newest one parses.
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

// The workspace packages first (the library applications install): each is built by tsc from its own
// tsconfig.json into its own dist/, ESM with type declarations, as `npm pack` ships it. The functions
// bundle modules of it, which esbuild resolves to that build.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const workspaces = readdirSync(packagesDir).filter((name) =>
  existsSync(join(packagesDir, name, 'tsconfig.json')),
);
for (const name of workspaces) {
  rmSync(join(packagesDir, name, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(packagesDir, name)], { stdio: 'inherit' });
}

// Built beside dist/ and swapped in at the end, so a test run reading dist/ while another build runs
// sees the old bundles or the new ones, never an empty directory.
const stagingDir = join(root, `dist.building-${process.pid}`);
rmSync(stagingDir, { recursive: true, force: true });
// Each function is its bundle (handler.cjs, with its source map) and the small loader Lambda runs
// (index.cjs), which compiles the bundle with the V8 code cache written below when there is one.
await Promise.all(
  names.flatMap((name) => [
    build({
      ...options,
      entryPoints: { handler: join(functionsDir, name, 'index.ts') },
      outdir: join(stagingDir, name),
      plugins: [lazyNodeModules()],
      metafile: false,
    }),
    build({
      ...options,
      sourcemap: false,
      entryPoints: { index: join(root, 'shared', 'runtime', 'loadBundle.ts') },
      outdir: join(stagingDir, name),
      metafile: false,
    }),
  ]),
);
// The code caches are made by the Lambda runtime's Node (scripts/ci/install-lambda-node.sh), for x86_64
// and for arm64 (the deployed architecture, run under qemu-user here): no other Node could use them.
// Without one installed, the functions are built without its cache and work the same.
const cacheNodes = [
  { arch: 'x86_64', node: lambdaNode().pinned ? lambdaNode().path : undefined },
  { arch: 'arm64', node: lambdaNodeArm64() },
];
await writeCodeCaches(
  cacheNodes.flatMap(({ node }) => (node === undefined ? [] : [node])),
  names.map((name) => join(stagingDir, name)),
);
const uncached = cacheNodes.filter(({ node }) => node === undefined).map(({ arch }) => arch);
if (uncached.length > 0) {
  process.stdout.write(
    `No ${uncached.join(' or ')} code cache: its Lambda runtime Node is not installed ` +
      '(bash scripts/ci/install-lambda-node.sh [--arch arm64] installs it)\n',
  );
}
// The operator tool: one executable file, same options, plus the line that makes it runnable.
await build({
  ...options,
  target: hostTarget,
  entryPoints: [join(root, 'cli', 'bin.ts')],
  outfile: join(stagingDir, 'cli', 'secrets-rotation.mjs'),
  // An ES module, as bin/ has always shipped, whatever format the functions use.
  format: 'esm',
  outExtension: {},
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
  },
  metafile: false,
});
chmodSync(join(stagingDir, 'cli', 'secrets-rotation.mjs'), 0o755);
// sam build (BuildMethod: makefile in template.yaml) runs build-<LogicalId> in a copy of each
// function's directory: the function ships exactly as built here.
for (const name of names) {
  writeFileSync(join(stagingDir, name, 'Makefile'), samMakefile(name));
}
const retiredDir = join(root, `dist.retired-${process.pid}`);
if (existsSync(distDir)) renameSync(distDir, retiredDir);
renameSync(stagingDir, distDir);
rmSync(retiredDir, { recursive: true, force: true });
// A package that ships the function bundles (packages/cdk) takes them from dist/, so it finishes last.
for (const name of workspaces) {
  const finish = join(packagesDir, name, 'scripts', 'finishBuild.mjs');
  if (existsSync(finish)) execFileSync(process.execPath, [finish], { stdio: 'inherit' });
}
process.stdout.write(
  `Built ${workspaces.length} package(s) into packages/*/dist/ (${workspaces.join(', ')}), ` +
    `and ${names.length} function(s) and the CLI into dist/: ${names.join(', ')}, cli\n`,
);
