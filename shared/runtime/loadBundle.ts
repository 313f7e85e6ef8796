/**
 * The entry Lambda runs (`index.cjs`): compiles the function's bundle with the V8 code cache the
 * build made for it on the Lambda runtime's Node, so a cold start skips most of parsing and compiling
 * the bundle. A cache for another Node, another bundle or other V8 flags is never used: the bundle
 * then compiles as it would without one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILE, bundleDigest, codeCacheFile, compileBundle } from './bundleScript.js';
import { CODE_CACHE_USE } from './codeCacheUse.js';
import { mapBundleStack } from './mapBundleStack.js';

const file = join(__dirname, BUNDLE_FILE);
const source = readFileSync(file, 'utf8');
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(
    join(__dirname, codeCacheFile(bundleDigest(source), process.version, process.arch)),
  );
} catch {
  // No cache for this bundle on this Node: compiled from source, as without one.
}
const bundle = compileBundle(file, __dirname, source, cachedData);
(globalThis as Record<symbol, unknown>)[CODE_CACHE_USE] =
  cachedData === undefined ? 'none' : bundle.script.cachedDataRejected === true ? 'rejected' : 'accepted';
if (process.sourceMapsEnabled) mapBundleStack(file);

const exported = bundle.run();
export const handler = exported['handler'];
