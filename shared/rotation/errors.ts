/** The Lambda event is not a rotation event Secrets Manager would send. */
export class InvalidRotationEventError extends Error {
  override readonly name = 'InvalidRotationEventError';
  readonly field: string;

  constructor(field: string, rule: string) {
    super(
      `Invalid rotation event: ${field} ${rule}. Invoke the function only from Secrets Manager rotation.`,
    );
    this.field = field;
  }
}

export class RotationNotEnabledError extends Error {
  override readonly name = 'RotationNotEnabledError';

  constructor(readonly secretArn: string) {
    super(
      `Secret ${secretArn} does not have rotation enabled. Configure rotation with ` +
        '`aws secretsmanager rotate-secret --rotation-lambda-arn ...` before invoking the function.',
    );
  }
}

export class UnknownVersionError extends Error {
  override readonly name = 'UnknownVersionError';

  constructor(
    readonly secretArn: string,
    readonly versionId: string,
  ) {
    super(
      `Secret ${secretArn} has no staged version ${versionId}. The rotation was cancelled or cleaned up; ` +
        'start a new one with `aws secretsmanager rotate-secret`.',
    );
  }
}

export class VersionNotPendingError extends Error {
  override readonly name = 'VersionNotPendingError';

  constructor(
    readonly secretArn: string,
    readonly versionId: string,
  ) {
    super(
      `Version ${versionId} of secret ${secretArn} is neither AWSPENDING nor AWSCURRENT, so it is not being rotated. ` +
        'Start a new rotation with `aws secretsmanager rotate-secret`.',
    );
  }
}

/** AWSPENDING belongs to another, unfinished rotation: this one cannot proceed until it is cleared. */
export class StuckRotationError extends Error {
  override readonly name = 'StuckRotationError';

  constructor(
    readonly secretArn: string,
    readonly versionId: string,
    readonly stuckVersionId: string,
  ) {
    super(
      `Secret ${secretArn}: AWSPENDING is on version ${stuckVersionId}, left by an unfinished rotation, not on ` +
        `version ${versionId}. Let that rotation be retried, or clear it with ` +
        `\`aws secretsmanager update-secret-version-stage --secret-id ${secretArn} --version-stage AWSPENDING ` +
        `--remove-from-version-id ${stuckVersionId}\` and rotate again.`,
    );
  }
}

export class CurrentValueMissingError extends Error {
  override readonly name = 'CurrentValueMissingError';

  constructor(readonly secretArn: string) {
    super(
      `Secret ${secretArn} has no AWSCURRENT value to rotate from. Store an initial value with ` +
        '`aws secretsmanager put-secret-value` first.',
    );
  }
}

export class PendingValueMissingError extends Error {
  override readonly name = 'PendingValueMissingError';

  constructor(
    readonly secretArn: string,
    readonly versionId: string,
  ) {
    super(
      `Secret ${secretArn}: pending version ${versionId} has no value yet, so createSecret has not completed. ` +
        'Secrets Manager retries the rotation from createSecret; if it keeps failing, check createSecret errors.',
    );
  }
}

/** A concurrent invocation stored a different pending value first; ours was discarded unused. */
export class PendingValueConflictError extends Error {
  override readonly name = 'PendingValueConflictError';

  constructor(
    readonly secretArn: string,
    readonly versionId: string,
  ) {
    super(
      `Secret ${secretArn}: another invocation stored the pending value for version ${versionId} first. ` +
        'This invocation discarded its own value; the rotation continues with the stored one.',
    );
  }
}

/** A stored value does not have the shape the target needs. The cause names the key at fault. */
export class InvalidSecretValueError extends Error {
  override readonly name = 'InvalidSecretValueError';

  constructor(
    readonly secretArn: string,
    readonly versionId: string,
    readonly stage: string,
    cause: Error,
  ) {
    super(
      `The ${stage} value of secret ${secretArn} (version ${versionId}) is not valid: ${cause.message} ` +
        'Correct the stored value with `aws secretsmanager put-secret-value` and rotate again.',
      { cause },
    );
  }
}
