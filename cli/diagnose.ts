import type { SecretState, VersionState } from './SecretState.js';

export type Health = 'ok' | 'rotating' | 'stuck' | 'overdue' | 'not-rotated';

export interface Diagnosis {
  readonly health: Health;
  readonly summary: string;
  /** Commands that fix the problem, in the order to try them. */
  readonly fixes: readonly string[];
  readonly pending: VersionState | undefined;
}

export interface DiagnoseOptions {
  readonly now: Date;
  /** A pending version older than this is stuck rather than in progress. */
  readonly stuckAfterMs: number;
  /** The last rotation attempt of the pending version failed (when the endpoint can tell). */
  readonly pendingFailed: boolean;
  /** Whether the pending version holds a value, when known. */
  readonly pendingHasValue: boolean | undefined;
  readonly cli: string;
}

/** Reads a secret's labels the way an operator would, and says what to do. */
export function diagnose(state: SecretState, options: DiagnoseOptions): Diagnosis {
  const current = state.versions.find((v) => v.stages.includes('AWSCURRENT'));
  const pending = state.versions.find((v) => v.stages.includes('AWSPENDING'));
  const id = JSON.stringify(state.name);
  if (pending !== undefined && pending.versionId !== current?.versionId) {
    const age = options.now.getTime() - (pending.createdAt?.getTime() ?? options.now.getTime());
    if (!options.pendingFailed && age < options.stuckAfterMs) {
      return {
        health: 'rotating',
        summary: `rotation of version ${pending.versionId} in progress`,
        fixes: [],
        pending,
      };
    }
    const empty = options.pendingHasValue === false;
    return {
      health: 'stuck',
      summary:
        `AWSPENDING is on version ${pending.versionId}, which is not AWSCURRENT` +
        (empty ? ' and has no value (createSecret never stored one)' : '') +
        (options.pendingFailed
          ? '; its last rotation attempt failed'
          : `; it is ${Math.round(age / 60_000)} minutes old`) +
        '. New rotations fail until it is cleared or finished.',
      fixes: [
        `${options.cli} cancel ${id}   # checks the credentials first, then clears AWSPENDING`,
        `aws secretsmanager update-secret-version-stage --secret-id ${id} --version-stage AWSPENDING --remove-from-version-id ${pending.versionId}`,
        ...(empty
          ? []
          : [
              `${options.cli} rotate ${id} --wait   # or retry the rotation, if the function's problem is fixed`,
            ]),
      ],
      pending,
    };
  }
  if (!state.rotationEnabled) {
    return {
      health: 'not-rotated',
      summary: 'rotation is not configured',
      fixes: [
        `aws secretsmanager rotate-secret --secret-id ${id} --rotation-lambda-arn <function ARN> --rotation-rules '{"ScheduleExpression":"rate(30 days)"}'`,
      ],
      pending: undefined,
    };
  }
  if (
    state.nextRotationAt !== undefined &&
    state.nextRotationAt.getTime() < options.now.getTime() - 24 * 3_600_000
  ) {
    return {
      health: 'overdue',
      summary: `the next rotation was due ${state.nextRotationAt.toISOString()} and has not happened`,
      fixes: [`${options.cli} rotate ${id} --wait`],
      pending: undefined,
    };
  }
  return { health: 'ok', summary: 'rotation configured, nothing pending', fixes: [], pending: undefined };
}
