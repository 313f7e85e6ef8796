import {
  createRotationHarness,
  ROTATION_TOKEN,
  type RotationHarness,
} from '../../support/createRotationHarness.js';
import { RecordingTarget } from '../../support/RecordingTarget.js';

export {
  ROTATION_TOKEN,
  SEED_VERSION as CURRENT_VERSION,
  STEPS,
  VERSION_1 as TOKEN,
} from '../../support/createRotationHarness.js';
export const INITIAL_PASSWORD = 'initial-password-Xq9';

export interface RotationFixture extends RotationHarness {
  readonly target: RecordingTarget;
}

/** A secret with an AWSCURRENT value the recording target accepts, and RotateSecret's placeholder. */
export function rotationFixture(): RotationFixture {
  const target = new RecordingTarget();
  target.accepted.add(INITIAL_PASSWORD);
  const harness = createRotationHarness({
    seed: JSON.stringify({ username: 'app', password: INITIAL_PASSWORD, extra: 42 }),
    target: () => target,
    serviceName: 'rotation-test',
    rotationToken: ROTATION_TOKEN,
  });
  return { ...harness, target };
}
