/** Shorter values would match by chance in ordinary traffic, and prove nothing when absent. */
const MIN_CREDENTIAL_LENGTH = 8;

/**
 * The base64 text that encodes `value` wherever it sits in a longer encoded payload (a Basic
 * `user:password`, a JSON document): one string per alignment of its first byte, without the
 * characters that also carry bits of its neighbours.
 */
function base64Forms(value: Buffer): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), value]).toString('base64');
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + value.length) * 8) / 6);
    const form = encoded.slice(start, end);
    forms.push(form, form.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

/** Every encoding under which a credential would still be readable by whoever received it. */
function formsOf(value: string): Set<string> {
  return new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
    ...base64Forms(Buffer.from(value, 'utf8')),
  ]);
}

/**
 * The names of the credentials whose value occurs in `received`: raw, URL-encoded, base64 (any
 * alignment, standard or URL-safe alphabet) or JSON-string-escaped. Only names are returned, so an
 * assertion on the result never prints a credential.
 */
export function credentialsReached(
  received: Buffer | string,
  credentials: Readonly<Record<string, string>>,
): string[] {
  const reached: string[] = [];
  for (const [name, value] of Object.entries(credentials)) {
    if (value.length < MIN_CREDENTIAL_LENGTH) {
      throw new RangeError(
        `Credential "${name}" is shorter than ${MIN_CREDENTIAL_LENGTH} characters: too short to detect reliably`,
      );
    }
    for (const form of formsOf(value)) {
      if (received.includes(form)) {
        reached.push(name);
        break;
      }
    }
  }
  return reached;
}
