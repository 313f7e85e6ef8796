/**
 * A secret value is not in the format its reader expects. The message names the key and the rule,
 * never the value: an error must not carry a secret into a log.
 *
 * @example
 * ```ts
 * try {
 *   parsePostgresCredential(secretString);
 * } catch (error) {
 *   if (error instanceof SecretFormatError) logger.error('unusable secret', { key: error.key });
 *   throw error;
 * }
 * ```
 */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
  /** The key that breaks the rule; `undefined` when the value as a whole does (not a JSON object). */
  readonly key: string | undefined;

  /**
   * @param problem - The rule the value breaks, as the end of a sentence (`'must be a string'`).
   * @param key - The key the rule is about; omitted for the value as a whole.
   */
  constructor(problem: string, key?: string) {
    super(key === undefined ? `The secret value ${problem}.` : `The secret's key '${key}' ${problem}.`);
    this.key = key;
  }
}

/**
 * The secret's `ssl` key asks for weaker TLS than the application chose. A secret may only make TLS
 * stricter: anyone who can write the secret could otherwise turn verification off and send the
 * application's logins to a server of their choosing.
 */
export class TlsDowngradeError extends Error {
  override readonly name = 'TlsDowngradeError';
  /** The secret whose `ssl` key asks for the weaker mode. */
  readonly secretId: string;
  /** The mode the application chose (`tls.mode`), which the secret may not lower. */
  readonly applicationMode: string;

  constructor(secretId: string, applicationMode: string) {
    super(
      `Secret ${secretId}: key 'ssl' asks for weaker TLS than the application's tls.mode ` +
        `'${applicationMode}'; a secret may only make TLS stricter. Remove the key (or set it to true), or ` +
        "choose the weaker mode explicitly with the pool's tls.mode option.",
    );
    this.secretId = secretId;
    this.applicationMode = applicationMode;
  }
}

/** The pool's TLS settings cannot be used: an unknown mode, an unreadable CA file, a raw `ssl` setting. */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';
  /** The option or environment variable at fault (`tls.mode`, `PGSSLROOTCERT`, `ssl`, …). */
  readonly setting: string;

  constructor(setting: string, problem: string, options?: ErrorOptions) {
    super(`${setting} ${problem}.`, options);
    this.setting = setting;
  }
}
