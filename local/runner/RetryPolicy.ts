export interface RetryPolicy {
  /** Attempts of the whole step sequence per rotation. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubled each time, with up to 50% random jitter added. */
  readonly baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000 };

/** How long to wait after failed attempt `attempt` (1-based) before the next one. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const delay = policy.baseDelayMs * 2 ** (attempt - 1);
  return delay + Math.random() * delay * 0.5;
}
