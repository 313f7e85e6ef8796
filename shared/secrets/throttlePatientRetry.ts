import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

/**
 * The SDK's standard retries, with one difference: a throttled request (Secrets Manager's per-Region
 * request quotas, met when a fleet rotates at once) gets `throttledAttempts` tries, other failures
 * only `otherAttempts`. A throttled request did nothing, so retrying it is always safe; a request
 * that timed out keeps the short bound that lets the step fail fast and Secrets Manager retry.
 */
export function throttlePatientRetry(otherAttempts: number, throttledAttempts: number): RetryStrategyV2 {
  const standard = new StandardRetryStrategy(Math.max(otherAttempts, throttledAttempts));
  return {
    acquireInitialRetryToken: (scope: string) => standard.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
      const attemptsSoFar = (token as StandardRetryToken).getRetryCount() + 1;
      if (errorInfo.errorType !== 'THROTTLING' && attemptsSoFar >= otherAttempts) {
        // The SDK then rethrows the request's own error.
        throw new Error('No retry token available');
      }
      return standard.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
    },
    recordSuccess: (token: RetryToken) => standard.recordSuccess(token as StandardRetryToken),
  };
}
