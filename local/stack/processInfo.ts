import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';

/** What can be learnt about a process that is not our child, from its pid alone. */
export interface ProcessInfo {
  readonly running: boolean;
  /**
   * When it started, in clock ticks since boot (Linux only): a pid that is running with another
   * start time than the one recorded is a new process that reuses the number.
   */
  readonly startTime?: string;
  /** Its command line, where the platform shows it. */
  readonly argv?: readonly string[];
  /** Its working directory (Linux only, and only for our own user's processes unless root). */
  readonly cwd?: string;
}

const PROC = existsSync('/proc/self/stat');

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function fromProc(pid: number): ProcessInfo {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  // Unreadable for a process that exists only where /proc hides other users' processes.
  if (stat === undefined) return { running: signalZero(pid) };
  // The command name in parentheses may hold spaces and ')': fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const argv = readOr(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1));
  const cwd = readOr(() => readlinkSync(`/proc/${pid}/cwd`));
  return {
    // A zombie has exited; it only waits for a parent (perhaps one that never reaps) to collect it.
    running: fields[0] !== 'Z',
    ...(fields[19] === undefined ? {} : { startTime: fields[19] }),
    ...(argv === undefined ? {} : { argv }),
    ...(cwd === undefined ? {} : { cwd }),
  };
}

function fromPs(pid: number): ProcessInfo {
  if (!signalZero(pid)) return { running: false };
  const args = readOr(() => execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }));
  return { running: true, ...(args === undefined ? {} : { argv: args.trim().split(/\s+/) }) };
}

/** Whether `pid` is running and, as far as the platform tells, what it is. */
export function processInfo(pid: number): ProcessInfo {
  if (!Number.isSafeInteger(pid) || pid <= 0) return { running: false };
  return PROC ? fromProc(pid) : fromPs(pid);
}
