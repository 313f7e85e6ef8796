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

/** A secret value is not in the expected format. Names the key and the rule, never the content. */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
  readonly key: string | undefined;

  constructor(problem: string, key?: string) {
    super(key === undefined ? `${problem}.` : `key '${key}' ${problem}.`);
    this.key = key;
  }
}
