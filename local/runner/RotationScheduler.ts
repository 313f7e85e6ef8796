/** What the scheduler needs from the local Secrets Manager. */
export interface ScheduledRotations {
  /** Secrets with rotation on whose NextRotationDate has passed. */
  dueRotations(now: Date): ReadonlyArray<{ readonly secretArn: string }>;
  /** Starts the rotation as the schedule does; resolves with its version id. */
  startScheduledRotation(secretArn: string): Promise<string>;
}

export interface RotationSchedulerOptions {
  readonly rotations: ScheduledRotations;
  /** Whether a rotation of the secret is running already (it is not started twice). */
  readonly isRotating: (secretArn: string) => boolean;
  readonly clock?: () => Date;
}

/** Starts scheduled rotations whose time has come, as Secrets Manager does on its own. */
export class RotationScheduler {
  readonly #options: RotationSchedulerOptions;
  readonly #clock: () => Date;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RotationSchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Checks every `intervalMs` for secrets whose NextRotationDate has passed. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.runDueRotations(), intervalMs);
    this.#timer.unref();
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

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }
}
