/** A port the stack was told to listen on is taken, most often by another local stack. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(
    readonly port: number,
    /** The service that wanted it, e.g. "the local token service". */
    readonly service: string,
    /** The flag that chooses this port, e.g. "--token-port". */
    readonly flag: string,
    options?: ErrorOptions,
  ) {
    super(
      `Port ${port} for ${service} is in use (another local stack?): stop it, or pass ${flag} 0 to pick ` +
        'a free one.',
      options,
    );
  }
}

/** Another stack that is still running holds the data directory's lock. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another local stack (pid ${pid}): stop it, or pass ` +
        '--data-dir <other> (or --memory; add --port 0 to run beside it).',
    );
  }
}

/** The data directory's lock file kept changing under this stack (several stacks starting at once). */
export class DataDirLockError extends Error {
  override readonly name = 'DataDirLockError';

  constructor(readonly dataDir: string) {
    super(`Could not lock the data directory ${dataDir}: its lock file kept changing. Try again.`);
  }
}

/** A port flag or variable is not a TCP port number. */
export class InvalidPortError extends Error {
  override readonly name = 'InvalidPortError';

  constructor(
    /** The flag or environment variable it came from. */
    readonly source: string,
    readonly value: string,
  ) {
    super(`${source} must be a TCP port number (0 to 65535), got '${value.slice(0, 20)}'`);
  }
}
