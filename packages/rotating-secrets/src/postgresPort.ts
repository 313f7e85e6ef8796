import { SecretFormatError } from './errors.js';

/**
 * The `port` key of a Postgres secret: absent (or `null`) is 5432; otherwise an integer from 1 to
 * 65535, given as a number (as RDS writes it) or a string of digits (as some tools write it).
 *
 * @throws {@link SecretFormatError} naming the key `port` for anything else (never quoting it).
 *
 * @example
 * ```ts
 * postgresPort('6543'); // 6543
 * postgresPort(undefined); // 5432
 * ```
 */
export function postgresPort(value: unknown): number {
  if (value === undefined || value === null) return 5432;
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535)
    throw new SecretFormatError('must be a TCP port from 1 to 65535 (a number or a numeric string)', 'port');
  return parsed;
}
