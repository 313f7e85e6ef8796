import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RotationFunctionName } from './functionDefinitions.js';

/** The name in this package's package.json, to stop the upward search at the right one. */
const PACKAGE_NAME = '@secrets-rotation/cdk';

function packageRoot(): string {
  // From src/ in the repository, dist/esm/ or dist/cjs/ once packed: the package root is above.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === PACKAGE_NAME) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package's own package.json`);
    dir = parent;
  }
}

/**
 * The directory holding a function's built bundle (`index.cjs` and its source map), shipped in the
 * package so that `cdk synth` needs neither Docker nor esbuild.
 */
export function bundleDirectory(name: RotationFunctionName): string {
  const dir = join(packageRoot(), 'assets', name);
  if (!existsSync(join(dir, 'index.cjs'))) {
    throw new Error(
      `${PACKAGE_NAME}: the ${name} bundle is missing from ${dir}; in the suite's repository, run npm run build`,
    );
  }
  return dir;
}
