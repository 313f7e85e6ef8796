import { AwsServiceError, invalidParameter } from './AwsServiceError.js';
import type { RequestInput } from './RequestInput.js';

export const TOKEN_BOUNDS = { min: 32, max: 64 } as const;
const MAX_VALUE_BYTES = 65_536;

/** Dates go on the wire as epoch seconds. */
export function seconds(ms: number): number {
  return ms / 1000;
}

/** SecretString xor SecretBinary, within AWS's size limit. */
export function readSecretValue(
  input: RequestInput,
  required: boolean,
): { secretString?: string; secretBinary?: string } {
  const secretString = input.string('SecretString');
  const secretBinary = input.string('SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter('You can specify SecretString or SecretBinary, but not both.');
  }
  if (secretString === undefined && secretBinary === undefined) {
    if (required) throw invalidParameter('You must provide either SecretString or SecretBinary.');
    return {};
  }
  const bytes =
    secretString !== undefined
      ? Buffer.byteLength(secretString)
      : Buffer.from(secretBinary ?? '', 'base64').length;
  if (bytes > MAX_VALUE_BYTES) throw invalidParameter('The secret value is larger than 65536 bytes.');
  return secretString !== undefined ? { secretString } : { secretBinary: secretBinary ?? '' };
}

/**
 * A ClientRequestToken already names a version with another value: versions never change, so AWS
 * refuses the request, in these words, for CreateSecret, PutSecretValue and UpdateSecret alike.
 */
export const tokenInUse = (token: string, secretArn: string) =>
  new AwsServiceError(
    'ResourceExistsException',
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${secretArn}.`,
  );

/** The request's value is the version's value (the idempotent retry of a write). */
export function sameValue(
  version: { readonly secretString?: string; readonly secretBinary?: string },
  value: { readonly secretString?: string; readonly secretBinary?: string },
): boolean {
  return version.secretString === value.secretString && version.secretBinary === value.secretBinary;
}
