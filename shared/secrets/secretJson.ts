import { SecretFormatError } from './errors.js';

export type SecretObject = Readonly<Record<string, unknown>>;

/**
 * Parses a secret string as a JSON object. The parser's own message is dropped on purpose: it
 * quotes the input, which is the secret.
 */
export function parseSecretJson(value: string): SecretObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new SecretFormatError('is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretFormatError('must be a JSON object');
  }
  return parsed as SecretObject;
}

export function requireStringKey(object: SecretObject, key: string): string {
  const value = object[key];
  if (value === undefined) throw new SecretFormatError('is missing', key);
  if (typeof value !== 'string') throw new SecretFormatError('must be a string', key);
  if (value.length === 0) throw new SecretFormatError('must not be empty', key);
  return value;
}
