import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { constants, Script } from 'node:vm';

/** The file a function's code is bundled into, beside the small loader (`index.cjs`) Lambda runs. */
export const BUNDLE_FILE = 'handler.cjs';

/**
 * The CommonJS wrapper Node puts around a module, on its own line so that `lineOffset: -1` gives
 * stack traces the bundle's own line numbers (and so the source map's).
 */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

/** What the bundle's source is known by: a code cache is only ever offered to the exact bytes it was made from. */
export function bundleDigest(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

/**
 * The code cache's file name. V8 checks its own version and flags and only the source's length, so
 * the name carries the rest: the bundle's digest, and the Node version and architecture that made it
 * (a patch release can change bytecode without changing V8's version, and a cache V8 wrongly accepts
 * can crash the process).
 */
export function codeCacheFile(digest: string, nodeVersion: string, arch: string): string {
  return `handler.${digest}.${nodeVersion}-${arch}.v8cache`;
}

export interface CompiledBundle {
  readonly script: Script;
  /** Runs the bundle's top level, as `require` would, and returns its exports. */
  run(): Record<string, unknown>;
}

/** Compiles the bundle as Node compiles a CommonJS module, using `cachedData` when V8 accepts it. */
export function compileBundle(
  file: string,
  dir: string,
  source: string,
  cachedData?: Buffer,
): CompiledBundle {
  const script = new Script(`${WRAPPER_HEAD}${source}${WRAPPER_TAIL}`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData === undefined ? {} : { cachedData }),
    // The SDK loads some Node modules with import(); without this a script compiled by vm cannot.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return {
    script,
    run() {
      const module = { exports: {} as Record<string, unknown> };
      const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
      wrapper.call(module.exports, module.exports, createRequire(file), module, file, dir);
      return module.exports;
    },
  };
}
