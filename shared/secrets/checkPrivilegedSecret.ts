import { type ArnAllowList, refusalOf } from '../config/ArnAllowList.js';
import { SecretRotatedByThisFunctionError } from './errors.js';
import { rotatedByFunction, type SecretMetadata } from './SecretMetadata.js';

/**
 * The one rule for a secret named as a more privileged credential (a Postgres master, an API admin),
 * judged on what DescribeSecret returned, never on the name as written: its real ARN is in the
 * function's allow-list, and its rotation function is not this one. Throws what `notAllowed` builds
 * for an unlisted secret, `SecretRotatedByThisFunctionError` for one this function rotates.
 */
export function checkPrivilegedSecret(
  metadata: SecretMetadata,
  allowed: ArnAllowList,
  functionArn: string | undefined,
  role: 'master' | 'admin',
  notAllowed: (arn: string, reason: string) => Error,
): void {
  const refusal = refusalOf(allowed, metadata.arn);
  if (refusal !== undefined) throw notAllowed(metadata.arn, refusal);
  if (rotatedByFunction(metadata, functionArn))
    throw new SecretRotatedByThisFunctionError(metadata.arn, role);
}
