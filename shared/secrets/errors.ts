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

// One class for the functions and the applications reading their secrets: the rules that throw it
// (a Postgres secret's port and ssl keys) are shared with that package.
export { SecretFormatError } from '@secrets-rotation/rotating-secrets/secret-format';
