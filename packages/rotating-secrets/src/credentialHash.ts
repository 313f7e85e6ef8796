import { createHash } from 'node:crypto';

/**
 * 16 hex characters of SHA-256: tells credentials apart in logs and metrics without revealing them.
 *
 * @example
 * ```ts
 * logger.info('token in use', { tokenHash: credentialHash(token) });
 * ```
 */
export function credentialHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}
