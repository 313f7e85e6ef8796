import fc from 'fast-check';
import { auditSafe, describeValue, unicodeText, wrongJsonType } from './hostileValues.js';

/** What only exists once a case runs: the fuzzed secret's own ARN and the token issued for it. */
export interface CaseValues {
  readonly ownArn: string;
  readonly ownToken: string;
  readonly ownTokenId: string;
}

/** A piece resolving to this leaves its key out of the JSON text. */
export const ABSENT: unique symbol = Symbol('absent');

/** One key's value: how it reads in a counterexample, and what it is once the case's values exist. */
export interface Piece {
  readonly label: string;
  readonly resolve: (values: CaseValues) => unknown;
}

export const fixed = (label: string, value: unknown): Piece => ({ label, resolve: () => value });
export const perCase = (label: string, resolve: (values: CaseValues) => unknown): Piece => ({
  label,
  resolve,
});
export const absent: Piece = fixed('absent', ABSENT);

/** Pieces holding each value `values` generates, labelled `kind` and the value's shape. */
export function pieces(kind: string, values: fc.Arbitrary<unknown>, credential = false): fc.Arbitrary<Piece> {
  return values.map((value) => fixed(`${kind} ${describeValue(value, credential)}`, value));
}

/** Keys changed together, for attacks that no single key makes. */
export interface Scenario {
  readonly label: string;
  readonly set: Readonly<Record<string, Piece>>;
}

export interface SecretShape {
  /** The attacker's own valid secret, key by key, in the order its text lists them. */
  readonly base: readonly (readonly [string, Piece])[];
  /** For every key the function reads (present in `base` or not), what a hostile writer may put there. */
  readonly mutations: Readonly<Record<string, fc.Arbitrary<Piece>>>;
  readonly scenarios: readonly fc.Arbitrary<Scenario>[];
}

/**
 * A secret value as its writer stored it: JSON text built key by key, so that a key can appear twice
 * (JSON.parse keeps the last) and a value can be anything JSON can say, or not JSON at all.
 */
export class HostileSecret {
  constructor(
    readonly entries: readonly (readonly [string, Piece])[],
    readonly labels: readonly string[],
    /** Stands for the whole text when set. */
    readonly whole?: Piece,
  ) {}

  text(values: CaseValues): string {
    if (this.whole !== undefined) return String(this.whole.resolve(values));
    const members: string[] = [];
    for (const [key, piece] of this.entries) {
      const value = piece.resolve(values);
      if (value !== ABSENT) members.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    }
    return `{${members.join(',')}}`;
  }

  toString(): string {
    return this.labels.length === 0 ? 'the valid base secret' : this.labels.join('; ');
  }

  [fc.toStringMethod](): string {
    return `HostileSecret(${this.toString()})`;
  }
}

/** Stand-ins of the lengths the real per-case values have, to size a text before the case runs. */
const SIZING_VALUES: CaseValues = {
  ownArn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${'x'.repeat(64)}`,
  ownToken: `lts_${'x'.repeat(32)}`,
  ownTokenId: `tok_${'x'.repeat(32)}`,
};

/**
 * Secrets Manager refuses a value over 65,536 bytes (InvalidParameterException at PutSecretValue,
 * before any rotation), so such a case tests the endpoint, not the function; the margin leaves room for
 * the function's own PutSecretValue of the pending value (a new password, an expiry).
 */
const MAX_TEXT_BYTES = 60_000;

/** Keys no function reads, some of which mean something to a driver or to JavaScript itself. */
const EXTRA_KEYS = [
  'comment',
  'user',
  'database',
  'options',
  'sslmode',
  'sslrootcert',
  'application_name',
  'replication',
  'connectionString',
  'apiKey',
  'privateKey',
  '__proto__',
  'constructor',
  'prototype',
] as const;

function extraValue(shape: SecretShape): fc.Arbitrary<Piece> {
  const known = Object.keys(shape.mutations);
  return fc.oneof(
    pieces('text', auditSafe(unicodeText())),
    pieces('wrong type', wrongJsonType()),
    // Keys the function reads, one level down: under `__proto__` they would reach a careless parse's
    // prototype, under `user` or `options` a driver that reads them.
    fc
      .tuple(fc.constantFrom(...known), fc.constantFrom(...known))
      .chain(([first, second]) =>
        fc.tuple(
          fc.constant(first),
          shape.mutations[first] ?? fc.constant(absent),
          fc.constant(second),
          shape.mutations[second] ?? fc.constant(absent),
        ),
      )
      .map(([first, one, second, two]) =>
        perCase(`object {${first}: ${one.label}, ${second}: ${two.label}}`, (values) => {
          const object: Record<string, unknown> = {};
          for (const [key, piece] of [
            [first, one],
            [second, two],
          ] as const) {
            const value = piece.resolve(values);
            if (value !== ABSENT) object[key] = value;
          }
          return object;
        }),
      ),
  );
}

/** Text that is not a JSON object; a nonce keeps each unique for the leak check. */
function notAnObject(): fc.Arbitrary<Piece> {
  const id = auditSafe(fc.constant('not-an-object'));
  return fc.oneof(
    id.map((v) => fixed('whole text: a JSON string', JSON.stringify(v))),
    id.map((v) => fixed('whole text: a JSON array', JSON.stringify([v, 1, null]))),
    id.map((v) => fixed('whole text: truncated JSON', `{"username":"${v}","password":`)),
    id.map((v) => fixed('whole text: not JSON', `username=${v}&password=x`)),
    id.map((v) => fixed('whole text: two objects', `{"a":"${v}"}{"b":1}`)),
  );
}

/**
 * Mutations of a valid secret: a few keys replaced, exactly one, or a scenario of keys changed
 * together; sometimes with unknown keys, a key given twice, or a text that is no object at all.
 */
export function hostileSecret(shape: SecretShape): fc.Arbitrary<HostileSecret> {
  const keys = Object.keys(shape.mutations);
  const mutation = (key: string) => shape.mutations[key] ?? fc.constant(absent);
  /** Each key replaced 2 times in `2 + keepWeight`. */
  const someKeys = (keepWeight: number) =>
    fc.record(
      Object.fromEntries(
        keys.map((key) => [
          key,
          fc.oneof(
            { arbitrary: fc.constant(undefined), weight: keepWeight },
            { arbitrary: mutation(key), weight: 2 },
          ),
        ]),
      ) as Record<string, fc.Arbitrary<Piece | undefined>>,
    );
  const oneKey = fc.oneof(...keys.map((key) => mutation(key).map((piece) => ({ [key]: piece }))));
  const noScenario = fc.constant(undefined);
  // Most keys refuse most hostile values at once: a case with one key changed, or a scenario with
  // few others, is what reaches the proof login, the master session and the provider calls.
  const changes = fc.oneof(
    { arbitrary: fc.tuple(someKeys(7), noScenario), weight: 4 },
    { arbitrary: fc.tuple(oneKey, noScenario), weight: 3 },
    { arbitrary: fc.tuple(someKeys(30), fc.oneof(...shape.scenarios)), weight: 3 },
  );
  const extras = fc.oneof(
    { arbitrary: fc.constant([] as [string, Piece][]), weight: 4 },
    {
      arbitrary: fc.array(
        fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), unicodeText(12)), extraValue(shape)),
        { minLength: 1, maxLength: 3 },
      ),
      weight: 1,
    },
  );
  const duplicates = fc.oneof(
    { arbitrary: fc.constant([] as [string, Piece, boolean][]), weight: 4 },
    {
      arbitrary: fc.array(
        fc.oneof(...keys.map((key) => fc.tuple(fc.constant(key), mutation(key), fc.boolean()))),
        { minLength: 1, maxLength: 2 },
      ),
      weight: 1,
    },
  );
  const whole = fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 40 },
    { arbitrary: notAnObject(), weight: 1 },
  );

  return fc
    .tuple(changes, extras, duplicates, whole)
    .map(([[changed, together], extra, twice, text]) => {
      const entries: (readonly [string, Piece])[] = [...shape.base];
      const labels: string[] = [];
      const set = (key: string, piece: Piece) => {
        const at = entries.findIndex(([k]) => k === key);
        if (at >= 0) entries[at] = [key, piece];
        else entries.push([key, piece]);
      };
      if (together !== undefined) {
        labels.push(`scenario ${together.label}`);
        for (const [key, piece] of Object.entries(together.set)) set(key, piece);
      }
      for (const [key, piece] of Object.entries(changed)) {
        if (piece === undefined) continue;
        labels.push(`${key} = ${piece.label}`);
        set(key, piece);
      }
      for (const [key, piece, hostileLast] of twice) {
        labels.push(`${key} twice, ${hostileLast ? 'last' : 'first'} = ${piece.label}`);
        if (hostileLast) entries.push([key, piece]);
        else entries.unshift([key, piece]);
      }
      for (const [key, piece] of extra) {
        labels.push(`extra ${describeValue(key, false)} = ${piece.label}`);
        entries.push([key, piece]);
      }
      if (text !== undefined) labels.push(text.label);
      return new HostileSecret(entries, labels, text);
    })
    .filter((secret) => Buffer.byteLength(secret.text(SIZING_VALUES)) <= MAX_TEXT_BYTES);
}
