import { batchGetSecretValue } from './batchGetSecretValue.js';
import { listSecrets } from './listSecrets.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import { getRandomPassword } from './randomPassword.js';
import {
  removeRegionsFromReplication,
  replicateSecretToRegions,
  stopReplicationToReplica,
} from './replicationOperations.js';
import {
  deleteResourcePolicy,
  getResourcePolicy,
  putResourcePolicy,
  validateResourcePolicy,
} from './resourcePolicyOperations.js';
import { cancelRotateSecret, rotateSecret } from './rotationOperations.js';
import {
  createSecret,
  deleteSecret,
  describeSecret,
  restoreSecret,
  tagResource,
  untagResource,
} from './secretOperations.js';
import { updateSecret } from './updateSecret.js';
import {
  getSecretValue,
  listSecretVersionIds,
  putSecretValue,
  updateSecretVersionStage,
} from './versionOperations.js';

/** An operation sees the Region the request was signed for, and only that Region's secrets. */
export type Operation = (sm: RegionalSecrets, input: RequestInput) => object | Promise<object>;

/**
 * Every Secrets Manager operation the endpoint serves, by its X-Amz-Target name: all 23 of the API
 * reference's actions (API_Operations).
 */
export const operations: Readonly<Record<string, Operation>> = {
  BatchGetSecretValue: batchGetSecretValue,
  CancelRotateSecret: cancelRotateSecret,
  CreateSecret: createSecret,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteSecret: deleteSecret,
  DescribeSecret: describeSecret,
  GetRandomPassword: (_sm, input) => getRandomPassword(input),
  GetResourcePolicy: getResourcePolicy,
  GetSecretValue: getSecretValue,
  ListSecrets: listSecrets,
  ListSecretVersionIds: listSecretVersionIds,
  PutResourcePolicy: putResourcePolicy,
  PutSecretValue: putSecretValue,
  RemoveRegionsFromReplication: removeRegionsFromReplication,
  ReplicateSecretToRegions: replicateSecretToRegions,
  RestoreSecret: restoreSecret,
  RotateSecret: rotateSecret,
  StopReplicationToReplica: stopReplicationToReplica,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateSecret: updateSecret,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ValidateResourcePolicy: validateResourcePolicy,
};
