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
