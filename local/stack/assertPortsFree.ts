import { createServer } from 'node:net';
import { PortInUseError } from './errors.js';

export interface PortClaim {
  readonly port: number;
  readonly host: string;
  /** Whose port it is, e.g. "the local token service". */
  readonly service: string;
  /** The flag that chooses it, e.g. "--token-port". */
  readonly flag: string;
}

/** Whether something already listens on host:port; other listen errors are left to the real start. */
function taken(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

/**
 * Throws PortInUseError for the first claimed port something already listens on (port 0, a free
 * one, is never taken). Checked before anything starts, so a second `npm start` fails at once
 * rather than after Postgres has started; each server still reports a port lost in between.
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  for (const claim of claims) {
    if (claim.port !== 0 && (await taken(claim.port, claim.host)))
      throw new PortInUseError(claim.port, claim.service, claim.flag);
  }
}
