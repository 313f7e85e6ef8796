import type { SecretState, VersionState } from './SecretState.js';
import type { Verdict } from './verifyCredential.js';

export type Health = 'ok' | 'rotating' | 'stuck' | 'overdue' | 'not-rotated';

export interface Diagnosis {
  readonly health: Health;
  readonly summary: string;
  /** Commands that fix the problem, in the order to try them. */
  readonly fixes: readonly string[];
  readonly pending: VersionState | undefined;
  /**
   * Stuck after the target already took the pending credential: AWSCURRENT is rejected and
   * AWSPENDING works, so clients that read AWSCURRENT are locked out until the rotation finishes.
   */
  readonly lockout: boolean;
}

/** Both credentials of a stuck secret, tried against the target with its own test. */
export interface CredentialCheck {
  readonly target: string;
  readonly current: Verdict;
  readonly pending: Verdict;
}

export interface DiagnoseOptions {
  readonly now: Date;
  /** A pending version older than this is stuck rather than in progress. */
  readonly stuckAfterMs: number;
  /** The last rotation attempt of the pending version failed (when the endpoint can tell). */
  readonly pendingFailed: boolean;
  /** Whether the pending version holds a value, when known. */
  readonly pendingHasValue: boolean | undefined;
  /** For a stuck secret whose pending version holds a value: how both credentials fare. */
  readonly credentials?: CredentialCheck;
  readonly cli: string;
}

/** What the two credentials of a stuck rotation say, in a sentence. */
function credentialSentence(check: CredentialCheck): string {
  const { current, pending, target } = check;
  if (current.works) return ` AWSCURRENT still works (${target} check).`;
  if (pending.works) return '';
  return ` Neither AWSCURRENT (${current.reason}) nor AWSPENDING (${pending.reason}) works from here (${target} check).`;
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
        lockout: false,
      };
    }
    const empty = options.pendingHasValue === false;
    const check = options.credentials;
    const moveCurrent =
      `aws secretsmanager update-secret-version-stage --secret-id ${id} --version-stage AWSCURRENT ` +
      `--move-to-version-id ${pending.versionId}${current === undefined ? '' : ` --remove-from-version-id ${current.versionId}`}`;
    // Resuming runs the function's steps, which refuse to work while rotation is turned off.
    const resume = state.rotationEnabled
      ? [
          `${options.cli} rotate ${id} --wait   # resumes the rotation: its four steps again, with its version`,
        ]
      : [];
    if (check !== undefined && !check.current.works && check.pending.works) {
      return {
        health: 'stuck',
        summary:
          `LOCKED OUT: the target rejects AWSCURRENT (${check.current.reason}) and accepts AWSPENDING ` +
          `(version ${pending.versionId}, ${check.target} check): the rotation stopped after setSecret, so ` +
          'clients that read only AWSCURRENT cannot log in (the consumer library bridges with AWSPENDING). ' +
          'Finish the rotation: do not clear AWSPENDING.',
        fixes: [...resume, `${moveCurrent}   # finishes it by hand: AWSCURRENT to the working version`],
        pending,
        lockout: true,
      };
    }
    return {
      health: 'stuck',
      summary:
        `AWSPENDING is on version ${pending.versionId}, which is not AWSCURRENT` +
        (empty ? ' and has no value (createSecret never stored one)' : '') +
        (options.pendingFailed
          ? '; its last rotation attempt failed'
          : `; it is ${Math.round(age / 60_000)} minutes old`) +
        '. New rotations fail until it is finished or cleared.' +
        (check === undefined ? '' : credentialSentence(check)),
      fixes: [
        ...resume,
        `${options.cli} cancel ${id}   # or drop the pending version: checks the credentials first, then clears AWSPENDING`,
        `aws secretsmanager update-secret-version-stage --secret-id ${id} --version-stage AWSPENDING --remove-from-version-id ${pending.versionId}`,
      ],
      pending,
      lockout: false,
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
      lockout: false,
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
      lockout: false,
    };
  }
  return {
    health: 'ok',
    summary: 'rotation configured, nothing pending',
    fixes: [],
    pending: undefined,
    lockout: false,
  };
}
