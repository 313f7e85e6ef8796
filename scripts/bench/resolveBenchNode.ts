import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `node` that cold starts are timed on, and where it was found. */
export interface BenchNode {
  readonly path: string;
  /** As `node --version` prints it: `v24.22.3`. */
  readonly version: string;
  readonly source: 'BENCH_NODE' | 'pinned runtime' | 'this process';
}

const INSTALLER = fileURLToPath(new URL('../ci/install-lambda-node.sh', import.meta.url));

function versionOf(node: string, from: string): string {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    throw new Error(`${from}: cannot run ${node} --version`, { cause: error });
  }
}

/** The bin directory of the pinned runtime Node if it is installed already; never installs it. */
function installedRuntimeBin(installer: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync('bash', [installer, '--cached'], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Picks the Node that the functions run on in production when it can be had, since cold starts
 * depend on the Node version: BENCH_NODE (a path to a `node`) first, then the pinned runtime Node
 * if scripts/ci/install-lambda-node.sh has installed it, else the Node running the benchmark.
 */
export function resolveBenchNode(env: NodeJS.ProcessEnv, installer = INSTALLER): BenchNode {
  const explicit = env['BENCH_NODE'];
  if (explicit !== undefined && explicit !== '') {
    return { path: explicit, version: versionOf(explicit, 'BENCH_NODE'), source: 'BENCH_NODE' };
  }
  const bin = installedRuntimeBin(installer, env);
  if (bin !== undefined && bin !== '') {
    const path = `${bin}/node`;
    return { path, version: versionOf(path, installer), source: 'pinned runtime' };
  }
  return { path: process.execPath, version: process.version, source: 'this process' };
}
