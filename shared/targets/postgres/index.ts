import type { RotationTarget } from '../../rotation/RotationTarget.js';
import type { SecretObject } from '../../secrets/secretJson.js';
import type { TargetDefinition } from '../TargetDefinition.js';
import { createAlternatingUsersTarget } from './createAlternatingUsersTarget.js';
import { createPostgresDependencies } from './createPostgresDependencies.js';
import { createSingleUserTarget } from './createSingleUserTarget.js';

const isPostgres = (value: SecretObject) =>
  typeof value['host'] === 'string' && typeof value['username'] === 'string';

export const postgresSingleUser: TargetDefinition = {
  name: 'postgres-single-user',
  description: 'a Postgres password changed in place',
  create: (env, store) =>
    createSingleUserTarget(createPostgresDependencies(env, store)) as RotationTarget<unknown>,
  recognizes: (value) => isPostgres(value) && typeof value['masterarn'] !== 'string',
};

export const postgresAlternatingUsers: TargetDefinition = {
  name: 'postgres-alternating-users',
  description: 'two Postgres logins taking turns, kept in step by a master secret',
  create: (env, store) =>
    createAlternatingUsersTarget(createPostgresDependencies(env, store)) as RotationTarget<unknown>,
  recognizes: (value) => isPostgres(value) && typeof value['masterarn'] === 'string',
};
