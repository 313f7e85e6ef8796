import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The function configurations attacks run against; see `profileEnvironment` for what each sets. */
export const PROFILES = [
  'default',
  'empty-lists',
  'open',
  'attacker-origin',
  'echo-provider',
  'no-origins',
  'strict-http',
  'function-settings',
] as const;
export type Profile = (typeof PROFILES)[number];

export const ATTACKERS = [
  'postgres-tls-cleartext',
  'postgres-plaintext-cleartext',
  'http',
  'http-internal',
  'http-echo',
] as const;
export type AttackerKind = (typeof ATTACKERS)[number];

/** What the database holds before an attack, beyond the roles every attack gets. */
export const SETUPS = ['hostile-search-path'] as const;
export type Setup = (typeof SETUPS)[number];

const FUNCTIONS = ['postgres-single-user', 'postgres-alternating-users', 'api-token'] as const;
export type AttackedFunction = (typeof FUNCTIONS)[number];

/**
 * One attack of the corpus (`test/security/corpus/*.json`): a hostile secret value, the function
 * and configuration it is rotated with, the listener standing in for the attacker, and the outcome.
 * Values in `secret` may be placeholders (`{attacker.port}`, `{master.rds}`, `{settings:…}`) that
 * the suite fills in.
 */
export interface AttackCase {
  readonly id: string;
  readonly threat: string;
  readonly function: AttackedFunction;
  readonly profile: Profile;
  readonly secret: Readonly<Record<string, unknown>>;
  readonly attacker?: AttackerKind;
  readonly setup?: Setup;
  /** A named error, or a control case that rotates. */
  readonly expect: { readonly error: string } | { readonly outcome: 'rotated' };
}

const CORPUS = fileURLToPath(new URL('../corpus', import.meta.url));

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, file: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${file}: ${what} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Reads and checks every attack file, so a malformed case fails loudly instead of testing nothing. */
export function loadAttackCorpus(): AttackCase[] {
  return readdirSync(CORPUS)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Record<string, unknown>;
      const id = raw['id'];
      if (typeof id !== 'string' || `${id}.json` !== file)
        throw new Error(`${file}: id must match the file name`);
      if (typeof raw['threat'] !== 'string' || raw['threat'].length < 20)
        throw new Error(`${file}: threat must say what the attacker tries`);
      const secret = raw['secret'];
      if (typeof secret !== 'object' || secret === null || Array.isArray(secret))
        throw new Error(`${file}: secret must be an object`);
      const expected = raw['expect'] as Record<string, unknown> | undefined;
      const expect =
        typeof expected?.['error'] === 'string'
          ? { error: expected['error'] }
          : expected?.['outcome'] === 'rotated'
            ? ({ outcome: 'rotated' } as const)
            : undefined;
      if (expect === undefined)
        throw new Error(`${file}: expect must name an error or be {"outcome":"rotated"}`);
      return {
        id,
        threat: raw['threat'],
        function: oneOf(raw['function'], FUNCTIONS, 'function', file),
        profile: oneOf(raw['profile'], PROFILES, 'profile', file),
        secret: secret as Record<string, unknown>,
        ...(raw['attacker'] === undefined
          ? {}
          : { attacker: oneOf(raw['attacker'], ATTACKERS, 'attacker', file) }),
        ...(raw['setup'] === undefined ? {} : { setup: oneOf(raw['setup'], SETUPS, 'setup', file) }),
        expect,
      };
    });
}
