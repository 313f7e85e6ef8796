/**
 * Where the loader (loadBundle.ts) leaves whether the bundle was compiled from its code cache:
 * `accepted`, `rejected` (V8 refused it, for other flags) or `none` (no cache for this bundle on this
 * Node). Absent when the bundle was loaded without the loader.
 */
export const CODE_CACHE_USE = Symbol.for('secrets-rotation.codeCache');
export type CodeCacheUse = 'accepted' | 'rejected' | 'none';

export function codeCacheUse(): CodeCacheUse | undefined {
  const use = (globalThis as Record<symbol, unknown>)[CODE_CACHE_USE];
  return use === 'accepted' || use === 'rejected' || use === 'none' ? use : undefined;
}
