import type { Health } from '../../cli/diagnose.js';
import type { Verdict } from '../../cli/verifyCredential.js';

/**
 * What the console's page reads every second (GET /_local/console/api/state). Every field is an
 * identifier, a label, a date, a diagnosis or an error's name and message: a secret value has no
 * field to go in, and buildConsoleState copies each one by name rather than spreading a record.
 */
export interface ConsoleState {
  readonly generatedAt: string;
  /** The endpoint the page came from. */
  readonly endpoint: string;
  /** The age after which a pending version counts as stuck, as the CLI's `--stuck-after` default. */
  readonly stuckAfterMinutes: number;
  readonly secrets: readonly ConsoleSecret[];
}

export interface ConsoleSecret {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly rotation: {
    readonly enabled: boolean;
    readonly functionArn: string | null;
    /** `rate(…)`, `cron(…)` or `every N days`. */
    readonly schedule: string | null;
    readonly lastRotatedAt: string | null;
    readonly nextRotationAt: string | null;
  };
  readonly versions: ReadonlyArray<{
    readonly versionId: string;
    readonly stages: readonly string[];
    readonly createdAt: string | null;
  }>;
  /** The diagnosis `secrets-rotation status` prints, from the same code. */
  readonly health: Health | 'unknown';
  readonly summary: string;
  readonly fixes: readonly string[];
  readonly lockout: boolean;
  readonly credentials: {
    readonly target: string;
    readonly current: Verdict;
    readonly pending: Verdict;
  } | null;
  /** Oldest first: each rotation and configuration test the local runner ran for the secret. */
  readonly rotations: readonly ConsoleRotation[];
  /** Oldest first: the secret's rotation events, as EventBridge would get them. */
  readonly events: readonly ConsoleEvent[];
}

export interface ConsoleRotation {
  readonly versionId: string;
  readonly kind: 'rotation' | 'configuration-test';
  readonly trigger: 'api' | 'schedule' | 'reattempt';
  readonly outcome: 'running' | 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly attempts: number;
  readonly steps: readonly ConsoleStep[];
  /** The named error of the last failed step. */
  readonly error: { readonly type: string; readonly message: string } | null;
}

export interface ConsoleStep {
  readonly step: string;
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly error: { readonly type: string; readonly message: string } | null;
}

export interface ConsoleEvent {
  readonly time: string;
  readonly eventName: string;
  readonly versionId: string | null;
  readonly errorMessage: string | null;
}
