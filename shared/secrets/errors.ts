/** A Secrets Manager call failed for a reason the rotation cannot handle itself. */
export class SecretsManagerCallError extends Error {
  override readonly name = 'SecretsManagerCallError';
  readonly operation: string;
  readonly secretId: string;
  /** The AWS exception name (`__type`), when Secrets Manager answered with one. */
  readonly awsErrorName: string | undefined;

  constructor(operation: string, secretId: string, cause: unknown) {
    const awsErrorName = cause instanceof Error ? cause.name : undefined;
    super(
      `Secrets Manager ${operation} failed for secret ${secretId}` +
        (awsErrorName === undefined ? '' : ` with ${awsErrorName}`) +
        '. Check the function role can call it and the secret exists; the rotation is retried.',
      { cause },
    );
    this.operation = operation;
    this.secretId = secretId;
    this.awsErrorName = awsErrorName;
  }
}

/**
 * A secret named as a master or admin credential is itself rotated by this function, so the owner of
 * any secret this function rotates could have written it.
 */
export class SecretRotatedByThisFunctionError extends Error {
  override readonly name = 'SecretRotatedByThisFunctionError';

  constructor(
    readonly secretArn: string,
    readonly role: 'master' | 'admin',
  ) {
    super(
      `Secret ${secretArn} is rotated by this function (its RotationLambdaARN), so it cannot serve as the ${role} ` +
        `secret of another rotation: whoever owns a rotated secret could have written it. Name a ${role} secret ` +
        'that this function does not rotate.',
    );
  }
}

// One class for the functions and the applications reading their secrets: the rules that throw it
// (a Postgres secret's port and ssl keys) are shared with that package.
export { SecretFormatError } from '@secrets-rotation/rotating-secrets/secret-format';
