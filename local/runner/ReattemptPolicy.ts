/**
 * When a rotation whose attempts are used up is tried again. Secrets Manager says only that it
 * retries a failed rotation "multiple times" and that an unfinished one "will be reattempted"; it
 * documents no count and no timing, so these are the local stack's own choices.
 */
export interface ReattemptPolicy {
  /** Wait after a failed rotation before its first reattempt. */
  readonly delayMs: number;
  /** The wait doubles after each failed reattempt, up to this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_REATTEMPT_POLICY: ReattemptPolicy = { delayMs: 5 * 60_000, maxDelayMs: 60 * 60_000 };

/** How long after its `failures`-th failed run (1-based) an unfinished rotation is reattempted. */
export function reattemptDelayMs(policy: ReattemptPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.delayMs * 2 ** Math.max(0, failures - 1));
}
