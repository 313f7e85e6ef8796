import { type Env, optionalInteger, optionalString } from '../config/env.js';
import { ConfigError } from '../config/errors.js';

export interface PasswordPolicy {
  readonly length: number;
  /** Characters never used. */
  readonly excludeCharacters: string;
}

/**
 * Characters that break URLs, connection strings, shells or quoting when a password is pasted
 * into them unescaped. Excluding them costs about 0.4 bits per character of a 32-character password.
 */
export const DEFAULT_EXCLUDE_CHARACTERS = ' "\'`/\\@:?#[]%&+=;,';

const CLASSES = [
  'abcdefghijklmnopqrstuvwxyz',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789',
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
] as const;

/** The character classes left once the excluded characters are removed; empty classes dropped. */
export function characterClasses(policy: PasswordPolicy): readonly string[] {
  return CLASSES.map((chars) =>
    [...chars].filter((c) => !policy.excludeCharacters.includes(c)).join(''),
  ).filter((chars) => chars.length > 0);
}

export function loadPasswordPolicy(env: Env): PasswordPolicy {
  const policy: PasswordPolicy = Object.freeze({
    length: optionalInteger(env, 'PASSWORD_LENGTH', { min: 16, max: 4096, default: 32 }),
    excludeCharacters: optionalString(env, 'EXCLUDE_CHARACTERS') ?? DEFAULT_EXCLUDE_CHARACTERS,
  });
  const classes = characterClasses(policy);
  if (classes.join('').length < 10) {
    throw new ConfigError('EXCLUDE_CHARACTERS', 'leaves fewer than 10 characters to build passwords from');
  }
  return policy;
}
