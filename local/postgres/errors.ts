/** The Postgres server exited while starting; its last log lines say why. */
export class PostgresStartError extends Error {
  override readonly name = 'PostgresStartError';
  /** Whether it could not listen because the port was taken. */
  readonly addressInUse: boolean;

  constructor(
    readonly port: number,
    serverLog: string,
    options?: ErrorOptions,
  ) {
    // Start-up lines only (no statement has run yet): the bind and lock-file errors, never values.
    const tail = serverLog.trim().split('\n').slice(-6).join('\n');
    super(`Postgres exited while starting on port ${port}:\n${tail}`, options);
    this.addressInUse = /could not create any TCP\/IP sockets|\.s\.PGSQL\.\d+\.lock" already exists/.test(
      serverLog,
    );
  }
}

/** A Postgres left running by a killed stack could not be signalled, or did not stop in time. */
export class LeftoverPostgresError extends Error {
  override readonly name = 'LeftoverPostgresError';

  constructor(
    readonly pid: number,
    readonly databaseDir: string,
    options?: ErrorOptions,
  ) {
    super(
      `A Postgres left running by a killed stack (pid ${pid}, data directory ${databaseDir}) could not ` +
        `be stopped: stop it (kill ${pid}) and start again.`,
      options,
    );
  }
}
