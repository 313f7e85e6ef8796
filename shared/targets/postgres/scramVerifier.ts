import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);

/** Postgres's own default (`scram_iterations`); raising it slows every login, not just attackers. */
export const DEFAULT_SCRAM_ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier Postgres stores for a password (RFC 5802 / RFC 7677), in the form
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` that `ALTER ROLE ... PASSWORD`
 * accepts as is, so the server never sees the plaintext.
 *
 * Postgres normalizes passwords with SASLprep, which leaves printable ASCII unchanged; other
 * characters are refused here rather than risk a verifier the server would not match.
 */
export async function scramVerifier(
  password: string,
  iterations = DEFAULT_SCRAM_ITERATIONS,
  salt: Buffer = randomBytes(16),
): Promise<string> {
  if (!/^[\x20-\x7e]+$/.test(password)) {
    throw new RangeError('SCRAM verifiers are computed only for printable ASCII passwords');
  }
  const salted = await derive(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
