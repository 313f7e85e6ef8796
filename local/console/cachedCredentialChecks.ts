import { checkBothCredentials } from '../../cli/verifyCredential.js';

/**
 * checkBothCredentials, reusing a check of the same two versions for `ttlMs`. The console asks
 * every second, and each check of a stuck Postgres secret is two logins (or two calls to a token
 * provider): once per `ttlMs` is enough to see a change. A failed check is not kept.
 */
export function cachedCredentialChecks(ttlMs: number, clock: () => Date): typeof checkBothCredentials {
  const cache = new Map<
    string,
    { readonly at: number; readonly check: ReturnType<typeof checkBothCredentials> }
  >();
  return (context, state, currentVersionId, pendingVersionId, target) => {
    const now = clock().getTime();
    for (const [key, entry] of cache) if (now - entry.at >= ttlMs) cache.delete(key);
    const key = JSON.stringify([state.arn, currentVersionId, pendingVersionId, target]);
    const cached = cache.get(key);
    if (cached !== undefined) return cached.check;
    const check = checkBothCredentials(context, state, currentVersionId, pendingVersionId, target);
    cache.set(key, { at: now, check });
    check.catch(() => cache.delete(key));
    return check;
  };
}
