import { invalidParameter, invalidRequest } from './AwsServiceError.js';
import { arnInRegion, REGION_CODE, regionOfArn } from './arns.js';
import { replicationStatus } from './describeRecord.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import type { ReplicaStatus, SecretRecord } from './SecretRecord.js';

export interface ReplicaRequest {
  readonly region: string;
  readonly kmsKeyId?: string;
}

const EXISTS_MESSAGE = 'Secret with this name already exists in this region';

/** AddReplicaRegions (CreateSecret, ReplicateSecretToRegions): Region codes, optional KMS keys. */
export function readReplicaRegions(input: RequestInput, home: string): ReplicaRequest[] | undefined {
  const given = input.objectList('AddReplicaRegions');
  if (given === undefined) return undefined;
  if (given.length === 0) throw invalidParameter('AddReplicaRegions must name at least one Region.');
  return given.map((entry) => {
    const region = entry['Region'];
    const kmsKeyId = entry['KmsKeyId'];
    if (typeof region !== 'string' || region.length > 128 || !REGION_CODE.test(region)) {
      throw invalidParameter('Each replica Region must be a Region code such as eu-west-1.');
    }
    if (region === home) {
      throw invalidParameter("You can't replicate a secret to the same Region as the primary secret.");
    }
    if (kmsKeyId !== undefined && (typeof kmsKeyId !== 'string' || kmsKeyId.length > 2048)) {
      throw invalidParameter('KmsKeyId must be at most 2048 characters long.');
    }
    return { region, ...(kmsKeyId === undefined ? {} : { kmsKeyId }) };
  });
}

/**
 * Adds replicas to a primary's draft; the commit that follows writes them (LocalSecretsManager
 * keeps every replica in step with its primary). A Region that already holds another secret of
 * that name gets a Failed status, as on AWS, unless `force` lets the replica overwrite it.
 */
export function addReplicas(
  sm: RegionalSecrets,
  draft: SecretRecord,
  requests: readonly ReplicaRequest[],
  force: boolean,
): void {
  const replicas = [...(draft.replicas ?? [])];
  for (const request of requests) {
    const clash = sm.store
      .all(request.region)
      .find((record) => record.name === draft.name && record.replicaOf !== draft.arn);
    let status: ReplicaStatus = {
      region: request.region,
      ...(request.kmsKeyId === undefined ? {} : { kmsKeyId: request.kmsKeyId }),
      status: 'InSync',
    };
    if (clash !== undefined) {
      const replaceable = force && clash.replicaOf === undefined && (clash.replicas ?? []).length === 0;
      if (replaceable) sm.store.remove(clash.arn);
      else status = { ...status, status: 'Failed', statusMessage: EXISTS_MESSAGE };
    }
    const at = replicas.findIndex((replica) => replica.region === request.region);
    if (at === -1) replicas.push(status);
    else replicas[at] = status;
  }
  draft.replicas = replicas;
}

const statusOf = (sm: RegionalSecrets, record: SecretRecord) =>
  replicationStatus(record, (region) => {
    const arn = arnInRegion(record.arn, region);
    return sm.store.all(region).find((candidate) => candidate.arn === arn);
  });

/** API_ReplicateSecretToRegions. */
export function replicateSecretToRegions(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', { min: 1, max: 2048 });
  const requests = readReplicaRegions(input, sm.region);
  if (requests === undefined)
    throw invalidParameter('You must provide a value for the AddReplicaRegions parameter.');
  const force = input.boolean('ForceOverwriteReplicaSecret') ?? false;
  const record = sm.findWritable(secretId);
  const updated = sm.update(record, (draft) => {
    addReplicas(sm, draft, requests, force);
    draft.lastChangedDate = sm.now();
    return draft;
  });
  return { ARN: updated.arn, ReplicationStatus: statusOf(sm, updated) };
}

/** API_RemoveRegionsFromReplication: the replicas in those Regions are deleted at once. */
export function removeRegionsFromReplication(sm: RegionalSecrets, input: RequestInput) {
  const secretId = input.requiredString('SecretId', { min: 1, max: 2048 });
  const regions = input.stringList('RemoveReplicaRegions');
  if (regions === undefined || regions.length === 0) {
    throw invalidParameter('You must provide a value for the RemoveReplicaRegions parameter.');
  }
  const record = sm.findWritable(secretId);
  const unknown = regions.find((region) => !(record.replicas ?? []).some((r) => r.region === region));
  if (unknown !== undefined) {
    throw invalidParameter(`The secret ${record.arn} is not replicated to the Region ${unknown}.`);
  }
  const updated = sm.update(record, (draft) => {
    draft.replicas = (draft.replicas ?? []).filter((replica) => !regions.includes(replica.region));
    draft.lastChangedDate = sm.now();
    return draft;
  });
  for (const region of regions) sm.store.remove(arnInRegion(record.arn, region));
  return { ARN: updated.arn, ReplicationStatus: statusOf(sm, updated) };
}

/** API_StopReplicationToReplica: called in the replica's Region; the replica becomes a standalone secret. */
export function stopReplicationToReplica(sm: RegionalSecrets, input: RequestInput) {
  const record = sm.findActive(input.requiredString('SecretId', { min: 1, max: 2048 }));
  const primaryArn = record.replicaOf;
  if (primaryArn === undefined) {
    throw invalidRequest(
      `The secret ${record.arn} is not a replica secret; it has no primary to stop replicating from.`,
    );
  }
  const primary = sm.store.all(regionOfArn(primaryArn)).find((candidate) => candidate.arn === primaryArn);
  if (primary !== undefined) {
    sm.store.update(primary, (draft) => {
      draft.replicas = (draft.replicas ?? []).filter((replica) => replica.region !== sm.region);
      draft.lastChangedDate = sm.now();
    });
  }
  sm.update(sm.find(record.arn), (draft) => {
    delete draft.replicaOf;
    draft.lastChangedDate = sm.now();
  });
  return { ARN: record.arn };
}
