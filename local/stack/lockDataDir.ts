import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirInUseError, DataDirLockError } from './errors.js';
import { processInfo } from './processInfo.js';

/** Held while a stack uses its data directory. */
export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still this process's. Synchronous and idempotent: safe on 'exit'. */
  release(): void;
}

export interface LockDataDirOptions {
  /** Told when a lock left by a stack that is no longer running is taken over. */
  readonly onNote?: (message: string) => void;
}

/** In the data directory: the holder's pid on the first line, its start time (Linux) on the second. */
export const LOCK_FILE = 'stack.lock';
const ATTEMPTS = 5;

interface Holder {
  readonly pid: number;
  readonly startTime?: string;
}

function parse(text: string): Holder | undefined {
  const [pidLine = '', startTime = ''] = text.split('\n');
  const pid = Number(pidLine);
  if (!/^\d+$/.test(pidLine) || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, ...(startTime === '' ? {} : { startTime }) };
}

function isRunning(holder: Holder): boolean {
  const info = processInfo(holder.pid);
  // The same number with another start time is a later process that reuses it (after a reboot, or
  // in a restarted container): the stack that wrote the lock is gone.
  const reused =
    holder.startTime !== undefined && info.startTime !== undefined && info.startTime !== holder.startTime;
  return info.running && !reused;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const LINKLESS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS']);

/** Creates `file` holding `content` unless it exists; false when it does. */
function create(file: string, draft: string, content: string): boolean {
  try {
    // Linked from a file written beforehand: a reader never sees the lock half-written.
    linkSync(draft, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!LINKLESS.has(code)) throw error;
  }
  try {
    writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes the stale lock whose content is `stale`. Moved aside first, then compared: if another
 * stack replaced it in the meantime, its lock is put back and the caller looks again.
 */
function removeStale(file: string, stale: string): boolean {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') === stale) return true;
    try {
      linkSync(aside, file);
    } catch {
      // Someone locked it meanwhile: theirs stands.
    }
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Takes `<dataDir>/stack.lock` for this process, so two stacks never share one data directory.
 * Throws DataDirInUseError while the stack that holds it runs; a lock whose stack is gone (killed,
 * or the machine restarted) is taken over with a note.
 */
export function lockDataDir(dataDir: string, options: LockDataDirOptions = {}): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  const content = `${process.pid}\n${processInfo(process.pid).startTime ?? ''}\n`;
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, content, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (create(file, draft, content)) {
        let held = true;
        return {
          file,
          release() {
            if (!held) return;
            held = false;
            // Only our own: never a lock another stack took over after judging ours stale.
            if (readIfPresent(file) === content) rmSync(file, { force: true });
          },
        };
      }
      const text = readIfPresent(file);
      if (text === undefined) continue;
      const holder = parse(text);
      if (holder !== undefined && isRunning(holder)) throw new DataDirInUseError(dataDir, holder.pid);
      if (!removeStale(file, text)) continue;
      options.onNote?.(
        holder === undefined
          ? `Note: ${file} was not a lock this stack can read; taking the data directory over.`
          : `Note: the data directory ${dataDir} was locked by a local stack that is no longer running ` +
              `(pid ${holder.pid}); taking it over.`,
      );
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new DataDirLockError(dataDir);
}
