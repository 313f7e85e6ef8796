import { AwsServiceError, invalidParameter, invalidRequest } from './AwsServiceError.js';
import { arnInRegion } from './arns.js';
import { describeRecord } from './describeRecord.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import { addReplicas, readReplicaRegions } from './replicationOperations.js';
import { hasValue, type SecretRecord, type Tag } from './SecretRecord.js';
import { refuseReservedTagKeys, refuseTooManyTags, validTags } from './validTags.js';
import { readSecretValue, sameValue, seconds, TOKEN_BOUNDS, tokenInUse } from './values.js';

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ID = { min: 1, max: 2048 } as const;

function readTags(input: RequestInput): Tag[] {
  return validTags(input.objectList('Tags') ?? [], { allowReserved: false });
}

const exists = (name: string) =>
  new AwsServiceError(
    'ResourceExistsException',
    `The operation failed because the secret ${name} already exists.`,
  );

/**
 * API_CreateSecret. Every parameter is checked before the name is. A retry with the same
 * ClientRequestToken and value gets the original answer; the same token with another value is
 * refused, because a version cannot change (CreateSecret's ClientRequestToken).
 */
export function createSecret(sm: RegionalSecrets, input: RequestInput) {
  const name = input.requiredString('Name');
  if (!NAME.test(name)) {
    throw invalidParameter('Name must be 1 to 512 letters, digits or any of /_+=.@- characters.');
  }
  const token = input.string('ClientRequestToken', TOKEN_BOUNDS);
  const value = readSecretValue(input, false);
  const description = input.string('Description', { max: 2048 });
  const kmsKeyId = input.string('KmsKeyId', { max: 2048 });
  const tags = readTags(input);
  const replicaRegions = readReplicaRegions(input, sm.region);
  const force = input.boolean('ForceOverwriteReplicaSecret') ?? false;
  const clash = sm.all().find((record) => record.name === name);
  if (clash !== undefined) {
    if (clash.deletionDate !== undefined) {
      throw invalidRequest(
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    const retried = token === undefined ? undefined : clash.versions.find((v) => v.id === token);
    if (retried === undefined || !hasValue(retried)) throw exists(name);
    if (!sameValue(retried, value)) {
      throw tokenInUse(retried.id, clash.arn);
    }
    return { ARN: clash.arn, Name: clash.name, VersionId: retried.id };
  }
  const now = sm.now();
  const versionId =
    value.secretString !== undefined || value.secretBinary !== undefined
      ? (token ?? crypto.randomUUID())
      : undefined;
  const record: SecretRecord = {
    arn: sm.newArn(name),
    name,
    ...(description === undefined ? {} : { description }),
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    tags,
    createdDate: now,
    lastChangedDate: now,
    rotationEnabled: false,
    versions:
      versionId === undefined ? [] : [{ id: versionId, createdDate: now, stages: ['AWSCURRENT'], ...value }],
  };
  if (replicaRegions !== undefined) addReplicas(sm, record, replicaRegions, force);
  sm.commit(record);
  return {
    ARN: record.arn,
    Name: record.name,
    ...(versionId === undefined ? {} : { VersionId: versionId }),
    ...(replicaRegions === undefined
      ? {}
      : { ReplicationStatus: describeSecretOf(sm, record).ReplicationStatus }),
  };
}

function describeSecretOf(sm: RegionalSecrets, record: SecretRecord) {
  return describeRecord(record, 'VersionIdsToStages', (region) => {
    const arn = arnInRegion(record.arn, region);
    return sm.store.all(region).find((candidate) => candidate.arn === arn);
  });
}

export function describeSecret(sm: RegionalSecrets, input: RequestInput) {
  return describeSecretOf(sm, sm.find(input.requiredString('SecretId', SECRET_ID)));
}

/**
 * API_DeleteSecret. Parameters are checked before the secret is looked up. With
 * ForceDeleteWithoutRecovery a secret that does not exist (or no longer does) is not
 * ResourceNotFoundException: "If you forcibly delete an already deleted or nonexistent secret, the
 * operation does not return ResourceNotFoundException" — the caller's retry succeeds. A secret
 * already scheduled for deletion can be forced out at once. A primary with replicas is refused.
 */
export function deleteSecret(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', SECRET_ID);
  const days = input.integer('RecoveryWindowInDays', { min: 7, max: 30 });
  const force = input.boolean('ForceDeleteWithoutRecovery') ?? false;
  if (force && days !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  const now = sm.now();
  const found = sm.tryFind(secretId);
  if (found === undefined) {
    if (!force) sm.find(secretId);
    const fromArn = secretId.split(':secret:')[1];
    return {
      ...(fromArn === undefined ? {} : { ARN: secretId }),
      Name: fromArn ?? secretId,
      DeletionDate: seconds(now),
    };
  }
  if (found.replicaOf !== undefined) sm.findWritable(secretId);
  if ((found.replicas ?? []).length > 0) {
    const regions = (found.replicas ?? []).map((replica) => replica.region).join(', ');
    throw invalidParameter(
      `You can't delete secret ${found.arn} that still has replica regions [${regions}].`,
    );
  }
  if (force) {
    sm.remove(found.arn);
    return { ARN: found.arn, Name: found.name, DeletionDate: seconds(now) };
  }
  if (found.deletionDate !== undefined) sm.findActive(secretId);
  const deletionDate = now + (days ?? 30) * 86_400_000;
  sm.update(found, (draft) => {
    draft.deletionDate = deletionDate;
  });
  return { ARN: found.arn, Name: found.name, DeletionDate: seconds(deletionDate) };
}

export function restoreSecret(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.find(input.requiredString('SecretId', SECRET_ID));
  sm.update(record, (draft) => {
    delete draft.deletionDate;
  });
  return { ARN: record.arn, Name: record.name };
}

export function tagResource(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', SECRET_ID);
  const tags = readTags(input);
  const record = sm.findWritable(secretId);
  sm.update(record, (draft) => {
    for (const tag of tags) {
      draft.tags = [...draft.tags.filter((t) => t.Key !== tag.Key), tag];
    }
    refuseTooManyTags(draft.tags);
  });
  return {};
}

export function untagResource(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', SECRET_ID);
  const keys = input.stringList('TagKeys') ?? [];
  refuseReservedTagKeys(keys);
  const record = sm.findWritable(secretId);
  sm.update(record, (draft) => {
    draft.tags = draft.tags.filter((tag) => !keys.includes(tag.Key));
  });
  return {};
}
