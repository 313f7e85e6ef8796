import { type Env, optionalString } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import { loadPasswordPolicy, type PasswordPolicy } from '../../passwords/PasswordPolicy.js';

export interface RandomValueConfig {
  /** JSON keys that receive a fresh random value on every rotation. */
  readonly keys: readonly string[];
  readonly policy: PasswordPolicy;
}

export function loadRandomValueConfig(env: Env): RandomValueConfig {
  const keys = (optionalString(env, 'VALUE_KEYS') ?? 'password')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
  if (keys.length === 0) throw new ConfigError('VALUE_KEYS', 'must list at least one JSON key');
  return Object.freeze({ keys: Object.freeze(keys), policy: loadPasswordPolicy(env) });
}
