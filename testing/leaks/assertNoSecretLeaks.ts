import { findLeaks } from './findLeaks.js';

/**
 * Fails when any secret occurs in `output`, as is or JSON-escaped (as a log line would carry it).
 * The message names only fingerprints and offsets, never the secret.
 */
export function assertNoSecretLeaks(output: string, secrets: Iterable<string>): void {
  const leaks = findLeaks(output, secrets);
  if (leaks.length > 0) {
    const where = leaks.map((leak) => `secret sha256:${leak.fingerprint} at offset ${leak.offset}`);
    throw new Error(`Secret values found in captured output (${leaks.length}): ${where.join('; ')}`);
  }
}
