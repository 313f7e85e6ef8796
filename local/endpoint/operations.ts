import type { LocalSecretsManager } from './LocalSecretsManager.js';
import type { RequestInput } from './RequestInput.js';
import { getRandomPassword } from './randomPassword.js';
import { cancelRotateSecret, rotateSecret } from './rotationOperations.js';
import {
  createSecret,
  deleteSecret,
  describeSecret,
  listSecrets,
  restoreSecret,
  tagResource,
  untagResource,
} from './secretOperations.js';
import {
  getSecretValue,
  listSecretVersionIds,
  putSecretValue,
  updateSecretVersionStage,
} from './versionOperations.js';

export type Operation = (sm: LocalSecretsManager, input: RequestInput) => object | Promise<object>;

/** Every Secrets Manager operation the endpoint serves, by its X-Amz-Target name. */
export const operations: Readonly<Record<string, Operation>> = {
  CreateSecret: createSecret,
  DescribeSecret: describeSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ListSecretVersionIds: listSecretVersionIds,
  ListSecrets: listSecrets,
  GetRandomPassword: (_sm, input) => getRandomPassword(input),
  RotateSecret: rotateSecret,
  CancelRotateSecret: cancelRotateSecret,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  TagResource: tagResource,
  UntagResource: untagResource,
};
