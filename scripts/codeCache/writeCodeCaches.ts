import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { FUNCTION_MEMORY_MB, lambdaNodeArgs } from '../../local/lambda/lambdaNodeArgs.js';

const run = promisify(execFile);

/**
 * Writes each function directory's V8 code cache with each of `nodes` (the Lambda runtime's, one per
 * architecture: a command each), started as Lambda starts it. A cache is only used by the Node
 * version and architecture that made it, with the same V8 flags; see loadBundle.ts.
 */
export async function writeCodeCaches(
  nodes: readonly string[],
  functionDirs: readonly string[],
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'code-cache-'));
  try {
    const exercise = join(work, 'exerciseBundle.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./exerciseBundle.ts', import.meta.url))],
      outfile: exercise,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    // One Node at a time: an emulated one is slow enough without sharing the CPUs with the other.
    for (const node of nodes) {
      await Promise.all(
        functionDirs.map(async (dir) => {
          try {
            await run(node, [...lambdaNodeArgs(FUNCTION_MEMORY_MB), exercise, dir], {
              env: {
                PATH: process.env['PATH'] ?? '/usr/bin:/bin',
                AWS_REGION: 'us-east-1',
                AWS_ACCESS_KEY_ID: 'code-cache',
                AWS_SECRET_ACCESS_KEY: 'code-cache',
                AWS_LAMBDA_FUNCTION_NAME: 'code-cache',
              },
              timeout: 120_000,
            });
          } catch (error) {
            const { stderr, message } = error as { stderr?: string; message: string };
            throw new Error(`code cache for ${dir} by ${node}: ${(stderr ?? '').trim() || message}`);
          }
        }),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
