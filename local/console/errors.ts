/** A POST to the console that does not come from the console's own page (see checkConsoleRequest). */
export class ConsoleRequestRefusedError extends Error {
  override readonly name = 'ConsoleRequestRefusedError';
  readonly status = 403;

  constructor(reason: string) {
    super(`Refused: ${reason}. Console actions are taken only from the console's own page.`);
  }
}

/** A console action whose body is not the JSON object it takes. */
export class ConsoleBadRequestError extends Error {
  override readonly name = 'ConsoleBadRequestError';
  readonly status = 400;
}

/** Cancel was asked for one pending version, and AWSPENDING is now elsewhere (or gone). */
export class PendingVersionChangedError extends Error {
  override readonly name = 'PendingVersionChangedError';
  readonly status = 409;

  constructor(secretName: string, shown: string, now: string | undefined) {
    super(
      `The pending version of ${secretName} changed since the page showed it (${shown}, now ` +
        `${now ?? 'none'}): nothing was cleared. Look again, then cancel again if it is still stuck.`,
    );
  }
}
