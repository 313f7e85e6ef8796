import { isIP } from 'node:net';
import { SecretFormatError } from '../../secrets/errors.js';
import type { SecretObject } from '../../secrets/secretJson.js';

/**
 * Postgres truncates names to NAMEDATALEN - 1 bytes, in the startup message and in statements alike,
 * so a longer name would quietly address a different role or database.
 */
export const MAX_NAME_BYTES = 63;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_HOST_LENGTH = 253;
const MAX_TEXT_LENGTH = 2048;

// Control and format characters never belong in a name or password. A NUL ends a field of the
// startup message and lets the rest pose as further fields (`postgres\0user\0other`); line breaks,
// bidi overrides and zero-width characters make one name read as another in logs and errors.
const FORBIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
// With the u flag a surrogate pair is one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u;
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

export type FieldKind = 'name' | 'password' | 'host' | 'text';

/** Why `value` cannot be used as a `kind` field, in words safe to show (never the value), or `undefined`. */
export function fieldProblem(value: string, kind: FieldKind): string | undefined {
  if (value.length === 0) return 'must not be empty';
  // A lone surrogate is sent as U+FFFD: the server would see another name than the secret holds.
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode';
  if (FORBIDDEN.test(value)) return 'must not contain control or invisible format characters';
  switch (kind) {
    case 'name':
      return Buffer.byteLength(value, 'utf8') > MAX_NAME_BYTES
        ? `must be at most ${MAX_NAME_BYTES} bytes (Postgres would truncate it)`
        : undefined;
    case 'password':
      return value.length > MAX_PASSWORD_LENGTH
        ? `must be at most ${MAX_PASSWORD_LENGTH} characters`
        : undefined;
    case 'host':
      // A path would make the driver use a Unix socket; only a DNS name or an IP address is a host.
      if (value.length > MAX_HOST_LENGTH) return `must be at most ${MAX_HOST_LENGTH} characters`;
      return isIP(value) !== 0 || HOST_NAME.test(value) ? undefined : 'must be a host name or an IP address';
    case 'text':
      return value.length > MAX_TEXT_LENGTH ? `must be at most ${MAX_TEXT_LENGTH} characters` : undefined;
    default: {
      const unreachable: never = kind;
      return `is of unknown kind ${String(unreachable)}`;
    }
  }
}

/** A required string key that reaches a connection or a statement, checked as `kind`. */
export function connectionField(fields: SecretObject, key: string, kind: FieldKind): string {
  const value = fields[key];
  if (value === undefined || value === null) throw new SecretFormatError('is missing', key);
  if (typeof value !== 'string') throw new SecretFormatError('must be a string', key);
  const problem = fieldProblem(value, kind);
  if (problem !== undefined) throw new SecretFormatError(problem, key);
  return value;
}

/** The same for a key that may be absent (`undefined` or `null`). */
export function optionalConnectionField(
  fields: SecretObject,
  key: string,
  kind: FieldKind,
): string | undefined {
  const value = fields[key];
  return value === undefined || value === null ? undefined : connectionField(fields, key, kind);
}
