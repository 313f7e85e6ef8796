import { createHash } from 'node:crypto';

/** Shortest secret looked for; shorter strings (a port, "true") would match by chance. */
export const MIN_SECRET_LENGTH = 6;

export interface Leak {
  /** sha256 prefix of the secret: enough to find it in the test data, useless to anyone else. */
  readonly fingerprint: string;
  readonly offset: number;
}

/**
 * Every place where one of `secrets` occurs in `text`, as is or JSON-escaped (as a log line
 * carries it). One pass over the text however many secrets there are: candidates are found by
 * their first characters, then compared whole.
 */
export function findLeaks(text: string, secrets: Iterable<string>): Leak[] {
  const byPrefix = new Map<string, Array<{ form: string; secret: string }>>();
  for (const secret of new Set(secrets)) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      const prefix = form.slice(0, MIN_SECRET_LENGTH);
      const list = byPrefix.get(prefix) ?? [];
      list.push({ form, secret });
      byPrefix.set(prefix, list);
    }
  }
  const leaks: Leak[] = [];
  if (byPrefix.size === 0) return leaks;
  for (let at = 0; at + MIN_SECRET_LENGTH <= text.length; at++) {
    const candidates = byPrefix.get(text.slice(at, at + MIN_SECRET_LENGTH));
    if (candidates === undefined) continue;
    for (const { form, secret } of candidates) {
      if (text.startsWith(form, at))
        leaks.push({
          fingerprint: createHash('sha256').update(secret).digest('hex').slice(0, 12),
          offset: at,
        });
    }
  }
  return leaks;
}
