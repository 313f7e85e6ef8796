/** A secret value is not in the expected format. Names the key and the rule, never the content. */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';

  constructor(
    problem: string,
    readonly key?: string,
  ) {
    super(
      key === undefined
        ? `The Postgres secret ${problem}.`
        : `The Postgres secret's key '${key}' ${problem}.`,
    );
  }
}

/** The secret's `ssl` key asks for weaker TLS than the application chose; it may only ask for stronger. */
export class TlsDowngradeError extends Error {
  override readonly name = 'TlsDowngradeError';

  constructor(
    readonly secretId: string,
    readonly applicationMode: string,
  ) {
    super(
      `Secret ${secretId}: key 'ssl' asks for weaker TLS than the application's tls.mode ` +
        `'${applicationMode}'; a secret may only make TLS stricter. Remove the key (or set it to true), or ` +
        "choose the weaker mode explicitly with the pool's tls.mode option.",
    );
  }
}

/** The pool's TLS settings cannot be used: an unknown mode, an unreadable CA file, a raw `ssl` setting. */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';

  constructor(
    readonly setting: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${setting} ${problem}.`, options);
  }
}
