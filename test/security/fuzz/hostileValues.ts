import fc from 'fast-check';

/**
 * Sequences that end, split or disguise a field wherever a value becomes protocol or is shown: NUL
 * ends a field of Postgres's startup message, CR LF ends an HTTP header, the rest make one name read
 * as another (bidi override, zero-width, BOM) or are not well-formed UTF-16 (a lone surrogate).
 */
export const CONTROL_SEQUENCES = [
  '\u0000',
  '\r\n',
  '\n',
  '\r',
  '\t',
  '\u001b[2J',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ud800',
] as const;

/** Any code point, any printable grapheme, or any byte-range character (controls included). */
export function unicodeText(maxLength = 40): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
  );
}

/**
 * Strings of `minLength` to `maxLength` UTF-16 units: a short random chunk repeated, so that 10,000
 * characters cost nothing to generate. Cut by code unit, so a surrogate pair may end up split.
 */
export function longText(minLength = 64, maxLength = 10_000): fc.Arbitrary<string> {
  const chunk = fc.oneof(
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
  );
  return fc
    .tuple(chunk, fc.integer({ min: minLength, max: maxLength }))
    .map(([part, length]) => part.repeat(Math.ceil(length / part.length)).slice(0, length));
}

/** `base` with one control sequence inserted at the start, the end or anywhere in between. */
export function withControlCharacters(base: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...CONTROL_SEQUENCES), fc.nat({ max: base.length }))
    .map(([sequence, at]) => `${base.slice(0, at)}${sequence}${base.slice(at)}`);
}

/**
 * A JSON value of a type no string key accepts. Nested values are never strings: a string under a
 * credential-like nested key would join the leak check (see `auditSafe`).
 */
export function wrongJsonType(): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null));
  return fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.array(scalar, { minLength: 1, maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'value', 'nested', '0'), scalar, { minKeys: 1, maxKeys: 3 }),
  );
}

const nonce = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 });

/**
 * The leak check looks for every string of 6 or more characters stored under a credential-like key
 * in all output. fast-check likes words such as `constructor` or `length`, and repeated characters,
 * which ordinary log lines contain: a random nonce appended keeps each such value unique, so a match
 * can only be a real leak, while the value stays as hostile (its NULs, CR LFs and length are kept).
 */
export function auditSafe(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(text, nonce).map(([value, suffix]) => (value.length >= 6 ? `${value}~${suffix}` : value));
}

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * How a generated value reads in a counterexample. Credentials are described by shape only, since
 * fast-check prints counterexamples to the test output, which the leak check scans.
 */
export function describeValue(value: unknown, credential: boolean): string {
  if (typeof value !== 'string') {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  }
  const traits = [
    `${value.length} chars`,
    ...(value.includes('\u0000') ? ['NUL'] : []),
    ...(CONTROL.test(value) ? ['controls'] : []),
    ...(LONE_SURROGATE.test(value) ? ['lone surrogate'] : []),
    ...([...value].some((c) => c.charCodeAt(0) > 0x7f) ? ['non-ASCII'] : []),
  ];
  if (credential) return `<${traits.join(', ')}>`;
  const shown = JSON.stringify(value.length > 80 ? value.slice(0, 80) : value);
  return value.length > 80 ? `${shown}… <${traits.join(', ')}>` : shown;
}
