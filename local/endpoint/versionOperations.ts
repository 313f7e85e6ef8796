import { invalidParameter, invalidRequest, notFound } from './AwsServiceError.js';
import { paginate } from './paginate.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import { hasValue, type SecretRecord, type VersionRecord, versionWithStage } from './SecretRecord.js';
import { attachStage, detachStage, pruneDeprecated } from './stages.js';
import { readSecretValue, sameValue, seconds, TOKEN_BOUNDS, tokenInUse } from './values.js';

const SECRET_ID = { min: 1, max: 2048 } as const;

function versionById(record: SecretRecord, versionId: string): VersionRecord | undefined {
  return record.versions.find((version) => version.id === versionId);
}

export function getSecretValue(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId', SECRET_ID));
  const versionId = input.string('VersionId', TOKEN_BOUNDS);
  const stage = input.string('VersionStage', { min: 1, max: 256 });
  let version: VersionRecord | undefined;
  if (versionId !== undefined) {
    version = versionById(record, versionId);
    if (version === undefined) {
      throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    }
    if (stage !== undefined && !version.stages.includes(stage)) {
      throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
    }
  } else {
    const wanted = stage ?? 'AWSCURRENT';
    version = versionWithStage(record, wanted);
    if (version === undefined) {
      throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${wanted}`);
    }
  }
  if (!hasValue(version)) {
    throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${version.id}`);
  }
  const found = version;
  const day = Math.floor(sm.now() / 86_400_000) * 86_400_000;
  sm.update(record, (draft) => {
    draft.lastAccessedDate = day;
    const stored = versionById(draft, found.id);
    if (stored !== undefined) stored.lastAccessedDate = day;
  });
  return {
    ARN: record.arn,
    Name: record.name,
    VersionId: found.id,
    ...(found.secretString === undefined ? {} : { SecretString: found.secretString }),
    ...(found.secretBinary === undefined ? {} : { SecretBinary: found.secretBinary }),
    VersionStages: [...found.stages],
    CreatedDate: seconds(found.createdDate),
  };
}

/**
 * Stores `value` as version `token` labelled `stages` (API_PutSecretValue, API_UpdateSecret). The
 * same token and value again is the idempotent retry and changes nothing; the same token with
 * another value is refused (a version never changes), except to fill the value-less placeholder
 * RotateSecret staged. The first version a secret gets is AWSCURRENT whatever the labels asked:
 * there is no other version for GetSecretValue to return.
 */
export function storeVersion(
  sm: RegionalSecrets,
  record: SecretRecord,
  token: string,
  value: { secretString?: string; secretBinary?: string },
  stages: readonly string[],
  changeMetadata: (draft: SecretRecord) => void = () => undefined,
) {
  const existing = versionById(record, token);
  if (existing !== undefined && hasValue(existing)) {
    if (sameValue(existing, value)) {
      return { ARN: record.arn, Name: record.name, VersionId: token, VersionStages: [...existing.stages] };
    }
    throw tokenInUse(token, record.arn);
  }
  const labels =
    versionWithStage(record, 'AWSCURRENT') === undefined ? [...new Set([...stages, 'AWSCURRENT'])] : stages;
  let abandoned: string | undefined;
  const result = sm.update(record, (draft) => {
    let version = versionById(draft, token);
    if (version === undefined) {
      version = { id: token, createdDate: sm.now(), stages: [] };
      draft.versions.push(version);
    }
    Object.assign(version, value);
    const pending = versionWithStage(draft, 'AWSPENDING');
    for (const stage of labels) attachStage(draft, stage, version);
    // A manual new AWSCURRENT while a rotation is unfinished abandons that rotation.
    if (
      labels.includes('AWSCURRENT') &&
      pending !== undefined &&
      pending !== version &&
      !labels.includes('AWSPENDING')
    ) {
      detachStage(draft, 'AWSPENDING');
      abandoned = pending.id;
    }
    changeMetadata(draft);
    draft.lastChangedDate = sm.now();
    pruneDeprecated(draft);
    return { ARN: draft.arn, Name: draft.name, VersionId: token, VersionStages: [...version.stages] };
  });
  if (abandoned !== undefined) sm.onEvent?.('RotationAbandoned', record.arn, abandoned);
  return result;
}

export function putSecretValue(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', SECRET_ID);
  const token = input.requiredString('ClientRequestToken', TOKEN_BOUNDS);
  const value = readSecretValue(input, true);
  const stages = input.stringList('VersionStages') ?? ['AWSCURRENT'];
  if (stages.length < 1 || stages.length > 20 || stages.some((s) => s.length < 1 || s.length > 256)) {
    throw invalidParameter('VersionStages must hold 1 to 20 labels of 1 to 256 characters.');
  }
  return storeVersion(sm, sm.findWritable(secretId), token, value, stages);
}

export function updateSecretVersionStage(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', SECRET_ID);
  const stage = input.requiredString('VersionStage', { min: 1, max: 256 });
  const moveTo = input.string('MoveToVersionId', TOKEN_BOUNDS);
  const removeFrom = input.string('RemoveFromVersionId', TOKEN_BOUNDS);
  const record = sm.findWritable(secretId);
  const holder = versionWithStage(record, stage);
  if (moveTo !== undefined && versionById(record, moveTo) === undefined) {
    throw notFound(`Secrets Manager can't find the specified secret version: ${moveTo}`);
  }
  if (removeFrom !== undefined && holder?.id !== removeFrom) {
    throw invalidParameter(`The staging label ${stage} is not attached to version ${removeFrom}.`);
  }
  if (moveTo === undefined) {
    if (removeFrom === undefined)
      throw invalidParameter('You must specify MoveToVersionId or RemoveFromVersionId.');
    if (stage === 'AWSCURRENT') {
      throw invalidParameter('You can only move AWSCURRENT to another version, not remove it.');
    }
  } else if (holder !== undefined && holder.id !== moveTo && removeFrom === undefined) {
    throw invalidParameter(
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ` +
        `${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  return sm.update(record, (draft) => {
    if (moveTo === undefined) detachStage(draft, stage);
    else {
      const target = versionById(draft, moveTo);
      if (target !== undefined) attachStage(draft, stage, target);
    }
    draft.lastChangedDate = sm.now();
    pruneDeprecated(draft);
    return { ARN: draft.arn, Name: draft.name };
  });
}

export function listSecretVersionIds(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId', SECRET_ID));
  const includeDeprecated = input.boolean('IncludeDeprecated') ?? false;
  const versions = record.versions
    .filter((version) => includeDeprecated || version.stages.length > 0)
    .map((version) => ({
      VersionId: version.id,
      VersionStages: [...version.stages],
      CreatedDate: seconds(version.createdDate),
      ...(version.lastAccessedDate === undefined
        ? {}
        : { LastAccessedDate: seconds(version.lastAccessedDate) }),
    }))
    .reverse();
  const page = paginate(versions, input);
  return { ARN: record.arn, Name: record.name, Versions: page.items, ...page.next };
}
