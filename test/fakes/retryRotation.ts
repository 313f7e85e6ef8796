import type { RotationStep } from '../../shared/rotation/RotationEvent.js';

export const STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/**
 * Runs the four steps in order; on a failure starts again from createSecret, as Secrets Manager
 * retries a rotation. Resolves with the attempt that succeeded, or rejects with the last error.
 */
export async function retryRotation(
  step: (name: RotationStep) => Promise<void>,
  maxAttempts: number,
): Promise<number> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      for (const name of STEPS) await step(name);
      return attempt;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
