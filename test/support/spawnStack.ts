import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { auditOutput } from '../../testing/leaks/leakAudit.js';

export interface StackRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnedStack {
  /** The stack's own pid (node runs local/start.ts directly, with no npm or shell in between). */
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** The first match of `pattern` in stdout; rejects when the stack exits or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<StackRun>;
  /** Sends `signal` (SIGKILL by default: no shutdown code runs) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<StackRun>;
}

const SCRIPT = fileURLToPath(new URL('../../local/start.ts', import.meta.url));
const spawned = new Set<ChildProcess>();

/** `npm start` with `flags`, as its own process; SIGKILL it with killSpawnedStacks after each test. */
export function spawnStack(flags: readonly string[]): SpawnedStack {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<StackRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      spawned.delete(child);
      auditOutput(stdout + stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const look = () => {
          const match = pattern.exec(stdout);
          if (match !== null) return resolve(match);
          if (!running() || Date.now() > deadline)
            return reject(new Error(`no ${pattern} in the stack's output:\n${stdout}\n${stderr}`));
          setTimeout(look, 50);
        };
        look();
      }),
    stop(signal = 'SIGKILL') {
      if (running()) child.kill(signal);
      return exited;
    },
  };
}

/** `npm start` with `flags`, run to its exit. */
export function runStack(flags: readonly string[]): Promise<StackRun> {
  return spawnStack(flags).exited;
}

/** SIGKILLs every stack spawned here that is still running, and waits for them to exit. */
export async function killSpawnedStacks(): Promise<void> {
  const exits = [...spawned].map((child) => new Promise((done) => child.once('close', done)));
  for (const child of spawned) child.kill('SIGKILL');
  await Promise.all(exits);
}
