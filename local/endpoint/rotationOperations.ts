import { randomUUID } from 'node:crypto';
import { invalidParameter, invalidRequest } from './AwsServiceError.js';
import { regionOfArn } from './arns.js';
import type { LocalSecretsManager } from './LocalSecretsManager.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import type { RotationRequest } from './RotationHooks.js';
import { nextRotationTime, parseSchedule } from './rotationSchedule.js';
import { type RotationRules, type SecretRecord, versionWithStage } from './SecretRecord.js';
import { detachStage } from './stages.js';
import { TOKEN_BOUNDS } from './values.js';

const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

/** AWSPENDING on a version that is not AWSCURRENT: a rotation started and did not finish. */
export function unfinishedPendingVersion(record: SecretRecord): string | undefined {
  const pending = versionWithStage(record, 'AWSPENDING');
  return pending !== undefined && !pending.stages.includes('AWSCURRENT') ? pending.id : undefined;
}

function readRules(input: RequestInput): RotationRules | undefined {
  const rules = input.object('RotationRules');
  if (rules === undefined) return undefined;
  const days = rules['AutomaticallyAfterDays'];
  const expression = rules['ScheduleExpression'];
  const duration = rules['Duration'];
  if (days !== undefined && typeof days !== 'number')
    throw invalidParameter('AutomaticallyAfterDays must be a number.');
  if (expression !== undefined && typeof expression !== 'string')
    throw invalidParameter('ScheduleExpression must be a string.');
  if (duration !== undefined && typeof duration !== 'string')
    throw invalidParameter('Duration must be a string.');
  const parsed: RotationRules = {
    ...(days === undefined ? {} : { AutomaticallyAfterDays: days }),
    ...(expression === undefined ? {} : { ScheduleExpression: expression }),
    ...(duration === undefined ? {} : { Duration: duration }),
  };
  parseSchedule(parsed);
  return parsed;
}

/** A rotation of the secret finished at `at`. */
function completeRotation(sm: RegionalSecrets, secretArn: string, at: Date): void {
  sm.update(sm.find(secretArn), (draft) => {
    draft.lastRotatedDate = at.getTime();
    if (draft.rotationRules !== undefined)
      draft.nextRotationDate = nextRotationTime(draft.rotationRules, at.getTime());
  });
}

function request(
  sm: RegionalSecrets,
  record: SecretRecord,
  versionId: string,
  immediately: boolean,
  trigger: RotationRequest['trigger'],
): RotationRequest {
  return {
    secretArn: record.arn,
    secretName: record.name,
    versionId,
    functionArn: record.rotationLambdaArn ?? '',
    rotateImmediately: immediately,
    trigger,
    complete: (at) => completeRotation(sm, record.arn, at),
  };
}

/** Stages the value-less AWSPENDING placeholder whose id is the rotation's token. */
function stagePlaceholder(draft: SecretRecord, versionId: string, now: number): void {
  detachStage(draft, 'AWSPENDING');
  const existing = draft.versions.find((version) => version.id === versionId);
  if (existing !== undefined) existing.stages.push('AWSPENDING');
  else draft.versions.push({ id: versionId, createdDate: now, stages: ['AWSPENDING'] });
}

export async function rotateSecret(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', { min: 1, max: 2048 });
  const token = input.string('ClientRequestToken', TOKEN_BOUNDS) ?? randomUUID();
  const lambdaArn = input.string('RotationLambdaARN', { max: 2048 });
  if (lambdaArn !== undefined && !LAMBDA_ARN.test(lambdaArn)) {
    throw invalidParameter('RotationLambdaARN must be a Lambda function ARN.');
  }
  const rules = readRules(input);
  const immediately = input.boolean('RotateImmediately') ?? true;
  const record = sm.findWritable(secretId);
  if (lambdaArn === undefined && record.rotationLambdaArn === undefined) {
    throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
  }
  if (unfinishedPendingVersion(record) !== undefined) {
    throw invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");
  }
  const now = sm.now();
  const configured = sm.update(record, (draft) => {
    if (lambdaArn !== undefined) draft.rotationLambdaArn = lambdaArn;
    if (rules !== undefined) draft.rotationRules = rules;
    draft.rotationEnabled = true;
    draft.rotationConfiguredDate = now;
    if (draft.rotationRules !== undefined) {
      draft.nextRotationDate = nextRotationTime(draft.rotationRules, draft.lastRotatedDate ?? now);
    }
    stagePlaceholder(draft, token, now);
    return draft;
  });
  const result = { ARN: record.arn, Name: record.name, VersionId: token };
  if (immediately) {
    sm.hooks?.onRotateSecret(request(sm, configured, token, true, 'api')).catch(() => undefined);
    return result;
  }
  // The configuration test: testSecret on a temporary pending version, which is then removed.
  try {
    await sm.hooks?.onRotateSecret(request(sm, configured, token, false, 'api'));
  } catch (error) {
    sm.commit(record);
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw invalidRequest(`The rotation configuration test (testSecret) failed: ${reason}`);
  } finally {
    const latest = sm.find(record.arn);
    sm.update(latest, (draft) => {
      draft.versions = draft.versions.filter((version) => version.id !== token);
    });
  }
  return result;
}

export function cancelRotateSecret(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.findWritable(input.requiredString('SecretId', { min: 1, max: 2048 }));
  const pending = unfinishedPendingVersion(record);
  sm.update(record, (draft) => {
    draft.rotationEnabled = false;
    delete draft.nextRotationDate;
  });
  return { ARN: record.arn, Name: record.name, ...(pending === undefined ? {} : { VersionId: pending }) };
}

/** Due rotations in every Region; a replica is rotated through its primary, never by itself. */
export function dueRotations(store: LocalSecretsManager, now: Date) {
  return store
    .all()
    .filter(
      (record) =>
        record.rotationEnabled &&
        record.replicaOf === undefined &&
        record.deletionDate === undefined &&
        record.rotationLambdaArn !== undefined &&
        record.nextRotationDate !== undefined &&
        record.nextRotationDate <= now.getTime(),
    )
    .map((record) => ({ secretArn: record.arn, functionArn: record.rotationLambdaArn ?? '' }));
}

/** A scheduled rotation; an unfinished one is reattempted with its own token instead of failing. */
export async function startScheduledRotation(store: LocalSecretsManager, secretArn: string): Promise<string> {
  const sm = store.inRegion(regionOfArn(secretArn) ?? store.region);
  const record = sm.findActive(secretArn);
  const versionId = unfinishedPendingVersion(record) ?? randomUUID();
  const now = sm.now();
  const updated = sm.update(record, (draft) => {
    if (unfinishedPendingVersion(draft) === undefined) stagePlaceholder(draft, versionId, now);
    // Pushed forward so the scheduler does not start it again while it runs.
    if (draft.rotationRules !== undefined)
      draft.nextRotationDate = nextRotationTime(draft.rotationRules, now);
    return draft;
  });
  await sm.hooks?.onRotateSecret(request(sm, updated, versionId, true, 'schedule'));
  return versionId;
}

/** Secrets with rotation on whose AWSPENDING is on a version that is not AWSCURRENT. */
export function unfinishedRotations(sm: LocalSecretsManager) {
  return sm.all().flatMap((record) => {
    const versionId = unfinishedPendingVersion(record);
    const version = record.versions.find((v) => v.id === versionId);
    if (
      version === undefined ||
      record.replicaOf !== undefined ||
      !record.rotationEnabled ||
      record.deletionDate !== undefined ||
      record.rotationLambdaArn === undefined
    )
      return [];
    return [{ secretArn: record.arn, versionId: version.id, stagedAt: new Date(version.createdDate) }];
  });
}

/**
 * Runs an unfinished rotation again with its own token, as RotateSecret's refusal promises ("That
 * rotation will be reattempted"); the schedule is left as it is. Nothing happens when the version
 * is no longer the unfinished one (it finished, or AWSPENDING was cleared) or rotation was turned off.
 */
export async function reattemptRotation(
  store: LocalSecretsManager,
  secretArn: string,
  versionId: string,
): Promise<void> {
  const sm = store.inRegion(regionOfArn(secretArn) ?? store.region);
  const record = sm.findActive(secretArn);
  if (!record.rotationEnabled || unfinishedPendingVersion(record) !== versionId) return;
  await sm.hooks?.onRotateSecret(request(sm, record, versionId, true, 'reattempt'));
}
