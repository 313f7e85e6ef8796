import type { RotationTarget } from '../../rotation/RotationTarget.js';
import type { TargetDefinition } from '../TargetDefinition.js';
import { loadApiTokenConfig } from './ApiTokenConfig.js';
import { createApiTokenTarget } from './createApiTokenTarget.js';

export const apiToken: TargetDefinition = {
  name: 'api-token',
  description: 'tokens issued by HTTP APIs, through a provider contract',
  create: (env, store) =>
    createApiTokenTarget({ config: loadApiTokenConfig(env), store }) as RotationTarget<unknown>,
  recognizes: (value) => typeof value['token'] === 'string',
};
