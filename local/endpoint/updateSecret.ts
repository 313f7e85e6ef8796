import { randomUUID } from 'node:crypto';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import type { SecretRecord } from './SecretRecord.js';
import { readSecretValue, TOKEN_BOUNDS } from './values.js';
import { storeVersion } from './versionOperations.js';

/**
 * API_UpdateSecret: description, KMS key and, with SecretString or SecretBinary, a new version
 * that becomes AWSCURRENT (AWSPREVIOUS follows). The ClientRequestToken names the new version: the
 * SDK's retry of a call that did succeed (same token, same value) is answered again and changes
 * nothing; the same token with another value is refused, because "You can't modify an existing
 * version". Refused while the secret is scheduled for deletion, and on a replica.
 */
export function updateSecret(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', { min: 1, max: 2048 });
  const token = input.string('ClientRequestToken', TOKEN_BOUNDS);
  const description = input.string('Description', { max: 2048 });
  const kmsKeyId = input.string('KmsKeyId', { max: 2048 });
  const value = readSecretValue(input, false);
  const record = sm.findWritable(secretId);
  const changeMetadata = (draft: SecretRecord) => {
    if (description !== undefined) draft.description = description;
    // An empty KmsKeyId means the AWS managed key aws/secretsmanager, which DescribeSecret omits.
    if (kmsKeyId === '') delete draft.kmsKeyId;
    else if (kmsKeyId !== undefined) draft.kmsKeyId = kmsKeyId;
  };
  if (value.secretString === undefined && value.secretBinary === undefined) {
    sm.update(record, (draft) => {
      changeMetadata(draft);
      draft.lastChangedDate = sm.now();
    });
    return { ARN: record.arn, Name: record.name };
  }
  const { ARN, Name, VersionId } = storeVersion(
    sm,
    record,
    token ?? randomUUID(),
    value,
    ['AWSCURRENT'],
    changeMetadata,
  );
  return { ARN, Name, VersionId };
}
