/** Exit codes the tool promises: scripts and monitors branch on them. */
export const EXIT = {
  ok: 0,
  /** The check failed: unhealthy secret, failed rotation, credential that does not work. */
  failed: 1,
  /** Bad usage, or a refusal (confirmation missing, would remove a working credential). */
  refused: 2,
  /** AWS or the network failed: nothing was concluded. */
  unavailable: 3,
} as const;

/** A failure the tool reports as one line that says what to do, with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
