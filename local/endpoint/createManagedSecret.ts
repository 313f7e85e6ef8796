import { randomUUID } from 'node:crypto';
import { AwsServiceError, invalidParameter } from './AwsServiceError.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { SecretRecord } from './SecretRecord.js';
import { validTags } from './validTags.js';

/** The API's name characters plus `!`, which services use (`rds!db-<uuid>`) and callers cannot. */
const MANAGED_NAME = /^[A-Za-z0-9/_+=.@!-]{1,512}$/;
const OWNING_SERVICE = /^[a-z0-9-]{1,64}$/;
const MAX_VALUE_BYTES = 65_536;

/** What another AWS service gives Secrets Manager when it creates a secret it manages. */
export interface ManagedSecretInput {
  readonly name: string;
  readonly secretString: string;
  /** As DescribeSecret reports it, e.g. `rds`. */
  readonly owningService: string;
  /** May carry the reserved `aws:` keys that only the owning service sets. */
  readonly tags: readonly { Key: string; Value: string }[];
}

/** See LocalSecretsManager.createManagedSecret. */
export function createManagedSecret(
  sm: RegionalSecrets,
  input: ManagedSecretInput,
): { arn: string; versionId: string } {
  if (!MANAGED_NAME.test(input.name)) {
    throw invalidParameter('Name must be 1 to 512 letters, digits or any of /_+=.@!- characters.');
  }
  if (!OWNING_SERVICE.test(input.owningService)) {
    throw invalidParameter('OwningService must be 1 to 64 lower-case letters, digits or hyphens.');
  }
  if (Buffer.byteLength(input.secretString) > MAX_VALUE_BYTES) {
    throw invalidParameter('The secret value is larger than 65536 bytes.');
  }
  const tags = validTags(input.tags, { allowReserved: true });
  if (sm.all().some((record) => record.name === input.name)) {
    throw new AwsServiceError(
      'ResourceExistsException',
      `The operation failed because the secret ${input.name} already exists.`,
    );
  }
  const now = sm.now();
  const versionId = randomUUID();
  const record: SecretRecord = {
    arn: sm.newArn(input.name),
    name: input.name,
    owningService: input.owningService,
    tags,
    createdDate: now,
    lastChangedDate: now,
    rotationEnabled: false,
    versions: [{ id: versionId, createdDate: now, stages: ['AWSCURRENT'], secretString: input.secretString }],
  };
  sm.commit(record);
  return { arn: record.arn, versionId };
}
