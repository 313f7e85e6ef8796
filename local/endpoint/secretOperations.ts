import { AwsServiceError, invalidParameter, invalidRequest } from './AwsServiceError.js';
import { describeRecord } from './describeRecord.js';
import type { LocalSecretsManager } from './LocalSecretsManager.js';
import { paginate } from './paginate.js';
import type { RequestInput } from './RequestInput.js';
import type { SecretRecord, Tag } from './SecretRecord.js';
import { refuseReservedTagKeys, refuseTooManyTags, validTags } from './validTags.js';
import { readSecretValue, seconds, TOKEN_BOUNDS } from './values.js';

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

function readTags(input: RequestInput): Tag[] {
  return validTags(input.objectList('Tags') ?? [], { allowReserved: false });
}

export function createSecret(sm: LocalSecretsManager, input: RequestInput) {
  const name = input.requiredString('Name');
  if (!NAME.test(name)) {
    throw invalidParameter('Name must be 1 to 512 letters, digits or any of /_+=.@- characters.');
  }
  const token = input.string('ClientRequestToken', TOKEN_BOUNDS);
  const value = readSecretValue(input, false);
  const clash = sm.all().find((record) => record.name === name);
  if (clash !== undefined) {
    if (clash.deletionDate !== undefined) {
      throw invalidRequest(
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    throw new AwsServiceError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  }
  const now = sm.now();
  const versionId =
    value.secretString !== undefined || value.secretBinary !== undefined
      ? (token ?? crypto.randomUUID())
      : undefined;
  const description = input.string('Description', { max: 2048 });
  const kmsKeyId = input.string('KmsKeyId', { max: 2048 });
  const record: SecretRecord = {
    arn: sm.newArn(name),
    name,
    ...(description === undefined ? {} : { description }),
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    tags: readTags(input),
    createdDate: now,
    lastChangedDate: now,
    rotationEnabled: false,
    versions:
      versionId === undefined ? [] : [{ id: versionId, createdDate: now, stages: ['AWSCURRENT'], ...value }],
  };
  sm.commit(record);
  return { ARN: record.arn, Name: record.name, ...(versionId === undefined ? {} : { VersionId: versionId }) };
}

export function describeSecret(sm: LocalSecretsManager, input: RequestInput) {
  return describeRecord(sm.find(input.requiredString('SecretId')), 'VersionIdsToStages');
}

function matches(record: SecretRecord, key: string, value: string): boolean {
  const negate = value.startsWith('!');
  const prefix = (negate ? value.slice(1) : value).toLowerCase();
  const starts = (text: string | undefined) => text?.toLowerCase().startsWith(prefix) ?? false;
  const hit = (() => {
    switch (key) {
      case 'name':
        return starts(record.name);
      case 'description':
        return starts(record.description);
      case 'tag-key':
        return record.tags.some((tag) => starts(tag.Key));
      case 'tag-value':
        return record.tags.some((tag) => starts(tag.Value));
      case 'all':
        return (
          starts(record.name) ||
          starts(record.description) ||
          record.tags.some((t) => starts(t.Key) || starts(t.Value))
        );
      default:
        throw invalidParameter(`Filter key ${key} is not supported.`);
    }
  })();
  return negate ? !hit : hit;
}

export function listSecrets(sm: LocalSecretsManager, input: RequestInput) {
  const includeDeleted = input.boolean('IncludePlannedDeletion') ?? false;
  const filters = (input.objectList('Filters') ?? []).map((filter) => ({
    key: String(filter['Key'] ?? ''),
    values: Array.isArray(filter['Values']) ? filter['Values'].map(String) : [],
  }));
  const descending = (input.string('SortOrder') ?? 'desc') === 'desc';
  const secrets = sm
    .all()
    .filter((record) => includeDeleted || record.deletionDate === undefined)
    .filter((record) => filters.every((f) => f.values.some((value) => matches(record, f.key, value))))
    .sort((a, b) => (descending ? b.createdDate - a.createdDate : a.createdDate - b.createdDate))
    .map((record) => describeRecord(record, 'SecretVersionsToStages'));
  const page = paginate(secrets, input);
  return { SecretList: page.items, ...page.next };
}

export function deleteSecret(sm: LocalSecretsManager, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId'));
  const days = input.integer('RecoveryWindowInDays', { min: 7, max: 30 });
  const force = input.boolean('ForceDeleteWithoutRecovery') ?? false;
  if (force && days !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  const now = sm.now();
  if (force) {
    sm.remove(record.arn);
    return { ARN: record.arn, Name: record.name, DeletionDate: seconds(now) };
  }
  const deletionDate = now + (days ?? 30) * 86_400_000;
  sm.update(record, (draft) => {
    draft.deletionDate = deletionDate;
  });
  return { ARN: record.arn, Name: record.name, DeletionDate: seconds(deletionDate) };
}

export function restoreSecret(sm: LocalSecretsManager, input: RequestInput) {
  const record = sm.find(input.requiredString('SecretId'));
  sm.update(record, (draft) => {
    delete draft.deletionDate;
  });
  return { ARN: record.arn, Name: record.name };
}

export function tagResource(sm: LocalSecretsManager, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId'));
  const tags = readTags(input);
  sm.update(record, (draft) => {
    for (const tag of tags) {
      draft.tags = [...draft.tags.filter((t) => t.Key !== tag.Key), tag];
    }
    refuseTooManyTags(draft.tags);
  });
  return {};
}

export function untagResource(sm: LocalSecretsManager, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId'));
  const keys = input.stringList('TagKeys') ?? [];
  refuseReservedTagKeys(keys);
  sm.update(record, (draft) => {
    draft.tags = draft.tags.filter((tag) => !keys.includes(tag.Key));
  });
  return {};
}
