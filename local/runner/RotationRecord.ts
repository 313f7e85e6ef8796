import type { RotationStep } from '../../shared/rotation/RotationEvent.js';
import type { RotationRequest } from '../endpoint/RotationHooks.js';

export interface StepRecord {
  readonly step: RotationStep;
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** One rotation as operators see it: every step of every attempt, timings, the final error. No values. */
export interface RotationRecord {
  readonly secretArn: string;
  readonly versionId: string;
  readonly functionArn: string;
  readonly trigger: RotationRequest['trigger'];
  readonly kind: 'rotation' | 'configuration-test';
  readonly startedAt: string;
  endedAt?: string;
  outcome: 'running' | 'succeeded' | 'failed';
  attempts: number;
  readonly steps: StepRecord[];
  error?: { readonly type: string; readonly message: string };
}

export type RotationEventName =
  | 'RotationStarted'
  | 'RotationSucceeded'
  | 'RotationFailed'
  | 'RotationAbandoned'
  | 'TestRotationStarted'
  | 'TestRotationSucceeded'
  | 'TestRotationFailed';

/** Shaped like the CloudTrail events Secrets Manager sends to EventBridge. */
export interface RotationEventRecord {
  readonly id: string;
  readonly time: string;
  readonly source: 'aws.secretsmanager';
  readonly 'detail-type': 'AWS Service Event via CloudTrail';
  readonly region: string;
  readonly account: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly eventName: RotationEventName;
    readonly eventSource: 'secretsmanager.amazonaws.com';
    readonly additionalEventData: { readonly SecretId: string; readonly VersionId?: string };
    readonly errorMessage?: string;
  };
}
