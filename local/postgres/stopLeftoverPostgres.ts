import { readFileSync, realpathSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { processInfo } from '../stack/processInfo.js';
import { LeftoverPostgresError } from './errors.js';
import { clusterDirectory } from './startLocalPostgres.js';

export interface LeftoverPostgres {
  readonly pid: number;
  readonly databaseDir: string;
}

function sameDirectory(a: string, b: string): boolean {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  return real(a) === real(b);
}

/** Whether `pid` is a postmaster serving `databaseDir`, rather than a process that reuses its number. */
function isPostmasterOf(pid: number, databaseDir: string): boolean {
  const info = processInfo(pid);
  if (!info.running || info.argv === undefined) return false;
  const [program = '', ...args] = info.argv;
  // Server children rename themselves ("postgres: checkpointer"); the postmaster keeps its argv.
  if (basename(program) !== 'postgres') return false;
  // The postmaster works in its data directory; where that is not visible, its -D argument names it.
  const flag = args.indexOf('-D');
  const dir = info.cwd ?? (flag === -1 ? undefined : args[flag + 1]);
  return dir !== undefined && sameDirectory(dir, databaseDir);
}

/**
 * Stops a Postgres still running from `dataDir` (as given to startLocalPostgres), left by a stack
 * that was killed before it could stop it: found from the cluster's postmaster.pid, checked to be
 * that cluster's postmaster, then sent a fast shutdown. Only for a caller that owns `dataDir`, as
 * the stack does once it holds its data directory's lock: no running stack then uses that server.
 * Returns what it stopped; undefined when nothing was running.
 */
export async function stopLeftoverPostgres(
  dataDir: string,
  timeoutMs = 30_000,
): Promise<LeftoverPostgres | undefined> {
  const databaseDir = clusterDirectory(dataDir);
  let pidFile: string;
  try {
    pidFile = readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(pidFile.split('\n')[0]);
  if (!isPostmasterOf(pid, databaseDir)) return undefined;
  // SIGINT is Postgres's fast shutdown: clients are disconnected, then a checkpoint, then exit.
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return undefined;
    // Another user's server (one started by root, say): only that user can stop it.
    if (code === 'EPERM') throw new LeftoverPostgresError(pid, databaseDir, { cause: error });
    throw error;
  }
  const deadline = Date.now() + timeoutMs;
  while (processInfo(pid).running) {
    if (Date.now() > deadline) throw new LeftoverPostgresError(pid, databaseDir);
    await new Promise((done) => setTimeout(done, 100));
  }
  return { pid, databaseDir };
}
