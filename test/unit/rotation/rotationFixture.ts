import { Logger } from '@aws-lambda-powertools/logger';
import {
  createRotationHandler,
  type RotationHandler,
} from '../../../shared/rotation/createRotationHandler.js';
import type { RotationStep } from '../../../shared/rotation/RotationEvent.js';
import { InMemorySecretStore } from '../../fakes/InMemorySecretStore.js';
import { RecordingTarget } from '../../fakes/RecordingTarget.js';

export const TOKEN = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
export const CURRENT_VERSION = '0a0b0c0d-1111-4222-8333-444455556666';
export const INITIAL_PASSWORD = 'initial-password-Xq9';
export const ROTATION_TOKEN = 'rotation-token-kept-private-123';
export const STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export interface RotationFixture {
  readonly store: InMemorySecretStore;
  readonly target: RecordingTarget;
  readonly handler: RotationHandler;
  event(step: RotationStep, token?: string): Record<string, string>;
  /** Runs the four steps in order; on a failure, starts again from createSecret as Secrets Manager does. */
  rotate(maxAttempts?: number): Promise<number>;
}

/** A secret with an AWSCURRENT value and RotateSecret's value-less AWSPENDING placeholder. */
export function rotationFixture(): RotationFixture {
  const store = new InMemorySecretStore()
    .addVersion(CURRENT_VERSION, JSON.stringify({ username: 'app', password: INITIAL_PASSWORD, extra: 42 }), [
      'AWSCURRENT',
    ])
    .addVersion(TOKEN, undefined, ['AWSPENDING']);
  const target = new RecordingTarget();
  target.accepted.add(INITIAL_PASSWORD);
  const logger = new Logger({ serviceName: 'rotation-test' });
  const handler = createRotationHandler({ store, target, logger });
  const event = (step: RotationStep, token = TOKEN) => ({
    Step: step,
    SecretId: store.arn,
    ClientRequestToken: token,
    RotationToken: ROTATION_TOKEN,
  });
  return {
    store,
    target,
    handler,
    event,
    async rotate(maxAttempts = 3) {
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
          for (const step of STEPS) await handler(event(step));
          return attempt;
        } catch {
          // Retried from the first step, like Secrets Manager's own retry.
        }
      }
      throw new Error(`rotation did not converge in ${maxAttempts} attempts`);
    },
  };
}
