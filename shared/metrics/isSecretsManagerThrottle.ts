import { isThrottlingError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { SecretsManagerCallError } from '../secrets/errors.js';

/** Deep enough for the engine's wrappers (a master secret's error around the store's), and finite. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Whether a step failed because Secrets Manager was still throttling after the SDK's retries: a
 * `SecretsManagerCallError` anywhere in the cause chain whose own cause the SDK classes as throttling.
 */
export function isSecretsManagerThrottle(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
    if (current instanceof SecretsManagerCallError && current.cause instanceof Error) {
      return isThrottlingError(current.cause as SdkError);
    }
    current = current.cause;
  }
  return false;
}
