import { generatePassword } from '../../passwords/generatePassword.js';
import type { RotationTarget } from '../../rotation/RotationTarget.js';
import { SecretFormatError } from '../../secrets/errors.js';
import { parseSecretJson, requireStringKey, type SecretObject } from '../../secrets/secretJson.js';
import type { RandomValueConfig } from './RandomValueConfig.js';

/**
 * Rotates random values that only applications read (signing keys, shared secrets): there is no
 * external system to update, so set is a no-op and test checks the stored shape.
 */
export function createRandomValueTarget(config: RandomValueConfig): RotationTarget<SecretObject> {
  return {
    name: 'random-value',
    parse(secretString) {
      const object = parseSecretJson(secretString);
      for (const key of config.keys) {
        if (object[key] !== undefined && typeof object[key] !== 'string') {
          throw new SecretFormatError('must be a string', key);
        }
      }
      return object;
    },
    serialize: (value) => JSON.stringify(value),
    async generate(current) {
      const next: Record<string, unknown> = { ...current };
      for (const key of config.keys) next[key] = generatePassword(config.policy);
      return next;
    },
    async set(_pending, _values, context) {
      context.logger.debug('No external system to update');
    },
    async test(value) {
      for (const key of config.keys) requireStringKey(value, key);
    },
  };
}
