import type { RotationTarget } from '../../rotation/RotationTarget.js';
import type { TargetDefinition } from '../TargetDefinition.js';
import { createRandomValueTarget } from './createRandomValueTarget.js';
import { loadRandomValueConfig } from './RandomValueConfig.js';

export const randomValue: TargetDefinition = {
  name: 'random-value',
  description: 'random values that only applications read (signing keys, shared secrets)',
  create: (env) => createRandomValueTarget(loadRandomValueConfig(env)) as RotationTarget<unknown>,
  // Any JSON object may be one: this is the fallback, so the registry lists it last.
  recognizes: () => true,
};
