/**
 * Completes `tsc -p .` (dist/esm/): copies the rotation functions' bundles from the repository's
 * dist/ (npm run build) into assets/, which the package ships so that `cdk synth` needs neither
 * Docker nor esbuild; and writes the CommonJS entry (dist/cjs/) for CDK apps that `require` it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDist = join(packageDir, '..', '..', 'dist');
const FUNCTIONS = ['random-value', 'api-token', 'postgres-single-user', 'postgres-alternating-users'];

for (const name of FUNCTIONS) {
  const from = join(repositoryDist, name);
  if (!existsSync(join(from, 'index.cjs'))) {
    throw new Error(`no ${join(from, 'index.cjs')}: run npm run build at the repository root first`);
  }
  const to = join(packageDir, 'assets', name);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  // The loader, the bundle and its source map, and the code caches the build made; not the Makefile
  // that sam build uses.
  for (const file of readdirSync(from).filter((f) => f !== 'Makefile'))
    copyFileSync(join(from, file), join(to, file));
}

const esm = join(packageDir, 'dist', 'esm');
const cjs = join(packageDir, 'dist', 'cjs');
rmSync(cjs, { recursive: true, force: true });
mkdirSync(cjs, { recursive: true });
await build({
  entryPoints: [join(esm, 'index.js')],
  outfile: join(cjs, 'index.js'),
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The ES module finds its package through import.meta.url; in CommonJS that is the file's URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
for (const file of readdirSync(esm).filter((f) => f.endsWith('.d.ts'))) {
  copyFileSync(join(esm, file), join(cjs, file));
}
writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
