import { DEFAULT_REATTEMPT_POLICY, type ReattemptPolicy, reattemptDelayMs } from './ReattemptPolicy.js';

/** What the scheduler needs from the local Secrets Manager. */
export interface ScheduledRotations {
  /** Secrets with rotation on whose NextRotationDate has passed. */
  dueRotations(now: Date): ReadonlyArray<{ readonly secretArn: string }>;
  /** Starts the rotation as the schedule does; resolves with its version id. */
  startScheduledRotation(secretArn: string): Promise<string>;
}

/** What reattempts need from the local Secrets Manager and from the runner's records. */
export interface UnfinishedRotations {
  /** Secrets with rotation on whose AWSPENDING is on a version that is not AWSCURRENT. */
  unfinishedRotations(): ReadonlyArray<{
    readonly secretArn: string;
    readonly versionId: string;
    /** When that version was made (RotateSecret's placeholder). */
    readonly stagedAt: Date;
  }>;
  /** Runs the rotation of `versionId` again, with the same token, if it is still unfinished. */
  reattemptRotation(secretArn: string, versionId: string): Promise<void>;
  /** The runs of that rotation that failed so far (all their attempts used), and when the last ended. */
  failedRuns(secretArn: string, versionId: string): { readonly count: number; readonly lastEndedAt?: Date };
}

export interface RotationSchedulerOptions {
  readonly rotations: ScheduledRotations;
  /** Whether a rotation of the secret is running already (it is not started twice). */
  readonly isRotating: (secretArn: string) => boolean;
  readonly clock?: () => Date;
  /** Unfinished rotations to reattempt; none are when absent. */
  readonly unfinished?: UnfinishedRotations;
  /** When they are reattempted. Default DEFAULT_REATTEMPT_POLICY. */
  readonly reattempt?: ReattemptPolicy;
}

/**
 * Starts scheduled rotations whose time has come, and reattempts rotations left unfinished, as
 * Secrets Manager does on its own.
 */
export class RotationScheduler {
  readonly #options: RotationSchedulerOptions;
  readonly #clock: () => Date;
  readonly #reattempt: ReattemptPolicy;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(options: RotationSchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#reattempt = options.reattempt ?? DEFAULT_REATTEMPT_POLICY;
  }

  /** Checks every `intervalMs` for due rotations, then for unfinished rotations due a reattempt. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.#check(), intervalMs);
    this.#timer.unref();
  }

  async #check(): Promise<void> {
    // A slow check (many secrets) must not overlap the next one and start a rotation twice.
    if (this.#checking) return;
    this.#checking = true;
    try {
      await this.runDueRotations();
      await this.runReattempts();
    } finally {
      this.#checking = false;
    }
  }

  /** Starts every due rotation that is not running yet; resolves with how many it started. */
  async runDueRotations(): Promise<number> {
    let started = 0;
    for (const due of this.#options.rotations.dueRotations(this.#clock())) {
      if (this.#options.isRotating(due.secretArn)) continue;
      await this.#options.rotations.startScheduledRotation(due.secretArn).catch(() => undefined);
      started++;
    }
    return started;
  }

  /**
   * Reattempts every unfinished rotation that is not running and whose wait has passed: counted
   * from its last failed run, or from when its version was staged if the runner never saw it fail
   * (the stack stopped mid-rotation). Resolves with how many it started.
   */
  async runReattempts(): Promise<number> {
    const unfinished = this.#options.unfinished;
    if (unfinished === undefined) return 0;
    const now = this.#clock().getTime();
    let started = 0;
    for (const rotation of unfinished.unfinishedRotations()) {
      if (this.#options.isRotating(rotation.secretArn)) continue;
      const failed = unfinished.failedRuns(rotation.secretArn, rotation.versionId);
      const since = (failed.lastEndedAt ?? rotation.stagedAt).getTime();
      if (now - since < reattemptDelayMs(this.#reattempt, Math.max(1, failed.count))) continue;
      await unfinished.reattemptRotation(rotation.secretArn, rotation.versionId).catch(() => undefined);
      started++;
    }
    return started;
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }
}
