/** One of Secrets Manager's request-rate quotas: the operations that share it and its rate per Region. */
export interface RequestQuota {
  readonly operations: readonly string[];
  readonly perSecond: number;
}

/**
 * AWS's published request rates, each per Region (AWS Secrets Manager quotas, user guide,
 * reference_limits.html; GetSecretValue and DescribeSecret as raised in March 2025). The rows the
 * quotas page did not show us for CreateSecret, DeleteSecret, GetRandomPassword and
 * ListSecretVersionIds use the control-plane rate of the other rows, 50 per second.
 */
export const AWS_REQUEST_QUOTAS: readonly RequestQuota[] = [
  {
    operations: ['DeleteResourcePolicy', 'GetResourcePolicy', 'PutResourcePolicy', 'ValidateResourcePolicy'],
    perSecond: 50,
  },
  {
    operations: [
      'PutSecretValue',
      'RemoveRegionsFromReplication',
      'ReplicateSecretToRegions',
      'StopReplicationToReplica',
      'UpdateSecret',
      'UpdateSecretVersionStage',
    ],
    perSecond: 50,
  },
  { operations: ['RestoreSecret'], perSecond: 50 },
  { operations: ['RotateSecret', 'CancelRotateSecret'], perSecond: 50 },
  { operations: ['TagResource', 'UntagResource'], perSecond: 50 },
  { operations: ['BatchGetSecretValue'], perSecond: 100 },
  { operations: ['ListSecrets'], perSecond: 100 },
  { operations: ['GetSecretValue'], perSecond: 10_000 },
  { operations: ['DescribeSecret'], perSecond: 40_000 },
  { operations: ['CreateSecret'], perSecond: 50 },
  { operations: ['DeleteSecret'], perSecond: 50 },
  { operations: ['GetRandomPassword'], perSecond: 50 },
  { operations: ['ListSecretVersionIds'], perSecond: 50 },
];

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Request-rate quotas as token buckets, one per quota and Region: each holds a second's worth of
 * requests and refills continuously at the quota's rate. A request that finds its bucket empty is
 * throttled (ThrottlingException, which the SDK and the CLI retry with backoff). Real time, not
 * the endpoint's clock: a test that freezes dates must not freeze the refill.
 */
export class RequestQuotas {
  readonly #quotas = new Map<string, RequestQuota>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #throttled = new Map<string, number>();
  readonly #now: () => number;

  constructor(
    quotas: readonly RequestQuota[] = AWS_REQUEST_QUOTAS,
    now: () => number = () => performance.now(),
  ) {
    for (const quota of quotas) for (const operation of quota.operations) this.#quotas.set(operation, quota);
    this.#now = now;
  }

  /** Takes one request from the bucket; false when the request must be throttled. */
  take(region: string, operation: string): boolean {
    const quota = this.#quotas.get(operation);
    if (quota === undefined) return true;
    const key = `${region} ${quota.operations.join(',')}`;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: quota.perSecond, at: now };
    bucket.tokens = Math.min(quota.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * quota.perSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      this.#throttled.set(operation, (this.#throttled.get(operation) ?? 0) + 1);
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Throttled requests so far, by operation. */
  throttled(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#throttled);
  }
}
