/**
 * The flags Lambda's Node.js runtime starts `node` with (its bootstrap script): a tenth of the
 * function's memory for the young generation, the rest for the old one. They matter beyond the heap:
 * `--expose-gc` is part of the V8 flags a code cache is checked against, so the build makes the cache
 * with these flags, and the benchmark and the local stack start functions with them.
 */
export function lambdaNodeArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/** template.yaml's MemorySize for every function (Globals). */
export const FUNCTION_MEMORY_MB = 256;
