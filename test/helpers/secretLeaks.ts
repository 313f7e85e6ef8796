import { createHash } from 'node:crypto';

/** JSON keys whose values are credentials. Other values (host, username) may appear in logs. */
const SENSITIVE_KEY = /pass|secret|token|key|credential|private|auth/i;
/** Identifiers named after what they identify (`tokenId`, `masterarn`, `adminSecretArn`) are not credentials. */
const IDENTIFIER_KEY = /(id|arn|name|url|path|prefix)$/i;

/**
 * The strings that must never appear in output for one stored secret value: the whole string,
 * and every credential-like field of a JSON object (nested objects included).
 */
export function sensitiveStrings(secretString: string): string[] {
  const found = new Set<string>([secretString]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return [...found];
  }
  const walk = (node: unknown, key: string): void => {
    if (
      typeof node === 'string' &&
      SENSITIVE_KEY.test(key) &&
      !IDENTIFIER_KEY.test(key) &&
      node.length >= 6
    ) {
      found.add(node);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(parsed, '');
  return [...found];
}

/** Short, irreversible label for a secret, so a failing assertion does not print the secret. */
function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/**
 * Fails when any secret occurs in the output, also JSON-escaped (as a log line would carry it).
 * The message names only fingerprints and positions.
 */
export function assertNoSecretLeaks(output: string, secrets: Iterable<string>): void {
  const leaks: string[] = [];
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
    for (const form of forms) {
      const at = output.indexOf(form);
      if (at !== -1) leaks.push(`secret sha256:${fingerprint(secret)} at offset ${at}`);
    }
  }
  if (leaks.length > 0) {
    throw new Error(`Secret values found in captured output (${leaks.length}): ${leaks.join('; ')}`);
  }
}
