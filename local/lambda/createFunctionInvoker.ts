import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionNotFoundError } from './errors.js';
import { fallbackEnvironment, type LambdaNode, lambdaNode } from './lambdaNode.js';
import { FUNCTION_MEMORY_MB, lambdaNodeArgs } from './lambdaNodeArgs.js';

export type InvocationResult =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

export interface FunctionInvokerOptions {
  /** Holds `<name>/index.cjs` (or `.mjs`, `.js`) per function. */
  readonly functionsDir: string;
  /** Extra environment per function; `region` is the Region of the invoked function's ARN. */
  readonly environment?: (functionName: string, region: string) => Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Receives every line a function writes, prefixed with its name. */
  readonly logSink?: (line: string) => void;
  /** Lines kept per function for inspection (tests scan them for leaked secrets). */
  readonly outputLines?: number;
  /**
   * Concurrent invocations per function, like Lambda's reserved concurrency. Beyond it invocations
   * wait their turn (Lambda would throttle and Secrets Manager retry later: the same bounded
   * parallelism). Unbounded when absent.
   */
  readonly reservedConcurrency?: number;
  /**
   * The Node functions run on: by default the pinned production runtime when it is installed
   * (`scripts/ci/install-lambda-node.sh`), else the stack's own.
   */
  readonly node?: LambdaNode;
}

export interface FunctionInvoker {
  invoke(functionName: string, event: unknown, functionArn?: string): Promise<InvocationResult>;
  output(functionName: string): readonly string[];
  /**
   * SIGKILLs every process of the function that is running an invocation, as a crashed container
   * would die (its invocation fails with Runtime.ExitError). Resolves with the number killed.
   */
  kill(functionName: string): Promise<number>;
  /**
   * As Lambda does when a function's configuration changes: its warm processes get no further
   * invocation (idle ones end now, busy ones when their invocation ends), so the next one starts a
   * new process that reads the configuration afresh.
   */
  reconfigure?(functionName: string): void;
  close(): Promise<void>;
}

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));
const HANDLER_FILES = ['index.cjs', 'index.mjs', 'index.js'] as const;

interface Container {
  readonly child: ChildProcess;
  busy: boolean;
  dead: boolean;
}

/**
 * Runs built bundles as Lambda does: a warm process per concurrent invocation, module scope kept
 * between invocations, a timeout that kills the process, and only the configured environment
 * (never the parent's, which may hold real AWS credentials).
 */
export function createFunctionInvoker(options: FunctionInvokerOptions): FunctionInvoker {
  const pools = new Map<string, Container[]>();
  const outputs = new Map<string, string[]>();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const keep = options.outputLines ?? 5_000;
  const limit = options.reservedConcurrency ?? Number.POSITIVE_INFINITY;
  const node = options.node ?? lambdaNode();
  const active = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();
  const acquire = async (name: string) => {
    if ((active.get(name) ?? 0) < limit) {
      active.set(name, (active.get(name) ?? 0) + 1);
      return;
    }
    // The releasing invocation hands its slot straight over, so no newcomer can slip in between.
    await new Promise<void>((resolve) => waiting.set(name, [...(waiting.get(name) ?? []), resolve]));
  };
  const release = (name: string) => {
    const next = waiting.get(name)?.shift();
    if (next !== undefined) next();
    else active.set(name, (active.get(name) ?? 1) - 1);
  };

  const record = (name: string, text: string) => {
    const lines = outputs.get(name) ?? [];
    outputs.set(name, lines);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
      options.logSink?.(`[${name}] ${line}`);
    }
  };
  /**
   * A pipe delivers chunks, not lines: the part after a chunk's last newline waits for the next
   * chunk, so a line (and any value in it) is never split in two with a prefix in the middle.
   */
  const lineReader = (name: string) => {
    let partial = '';
    return {
      data(text: string) {
        const end = text.lastIndexOf('\n');
        if (end === -1) {
          partial += text;
          return;
        }
        record(name, partial + text.slice(0, end));
        partial = text.slice(end + 1);
      },
      end() {
        if (partial !== '') record(name, partial);
        partial = '';
      },
    };
  };

  const retire = (name: string, container: Container) => {
    container.dead = true;
    pools.set(
      name,
      (pools.get(name) ?? []).filter((c) => c !== container),
    );
  };

  // A function runs in the Region of its ARN, as on Lambda: AWS_REGION is that Region, so its SDK
  // signs for it and the local endpoint serves that Region's secrets.
  const spawn = (name: string, bundle: string, region: string, key: string): Container => {
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_LAMBDA_FUNCTION_NAME: name,
      ...fallbackEnvironment(node),
      ...options.environment?.(name, region),
    };
    const child = fork(BOOTSTRAP, [bundle], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // As Lambda's runtime starts node: with these flags the code cache the build made is used.
      execArgv: lambdaNodeArgs(FUNCTION_MEMORY_MB),
      execPath: node.path,
    });
    for (const stream of [child.stdout, child.stderr]) {
      const reader = lineReader(name);
      stream?.setEncoding('utf8').on('data', reader.data).once('end', reader.end);
    }
    const container: Container = { child, busy: false, dead: false };
    child.once('exit', () => retire(key, container));
    return container;
  };

  const run = (container: Container, event: unknown, functionArn: string): Promise<InvocationResult> =>
    new Promise<InvocationResult>((resolve) => {
      const id = randomUUID();
      const finish = (result: InvocationResult) => {
        clearTimeout(timer);
        container.child.off('message', onMessage);
        container.child.off('exit', onExit);
        resolve(result);
      };
      const onMessage = (message: { id: string } & InvocationResult) => {
        if (message.id !== id) return;
        finish(
          message.ok
            ? { ok: true, result: message.result }
            : { ok: false, errorType: message.errorType, errorMessage: message.errorMessage },
        );
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish({
          ok: false,
          errorType: 'Runtime.ExitError',
          errorMessage: `Process exited (${signal ?? code})`,
        });
      const timer = setTimeout(() => {
        container.dead = true;
        container.child.kill('SIGKILL');
        finish({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${timeoutMs} ms`,
        });
      }, timeoutMs);
      container.child.on('message', onMessage);
      container.child.once('exit', onExit);
      container.child.send({ id, event, functionArn, timeoutMs });
    });

  return {
    async invoke(
      functionName,
      event,
      functionArn = `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    ) {
      // As Lambda resolves `index.handler`: whichever module format the build wrote.
      const candidates = HANDLER_FILES.map((file) => join(options.functionsDir, functionName, file));
      const bundle = candidates.find((file) => existsSync(file));
      if (bundle === undefined) throw new FunctionNotFoundError(functionName, candidates.join(' or '));
      const region = functionArn.split(':')[3] || 'us-east-1';
      // One function per Region, as on Lambda: its own containers and its own concurrency.
      const key = region === 'us-east-1' ? functionName : `${functionName}@${region}`;
      await acquire(key);
      const pool = pools.get(key) ?? [];
      pools.set(key, pool);
      let container = pool.find((c) => !c.busy && !c.dead && c.child.connected);
      if (container === undefined) {
        container = spawn(functionName, bundle, region, key);
        pool.push(container);
      }
      container.busy = true;
      try {
        return await run(container, event, functionArn);
      } finally {
        container.busy = false;
        if (container.dead && container.child.exitCode === null && container.child.signalCode === null)
          container.child.kill('SIGTERM');
        release(key);
      }
    },
    output: (functionName) => [...(outputs.get(functionName) ?? [])],
    reconfigure(functionName) {
      for (const [key, pool] of pools) {
        if (key !== functionName && !key.startsWith(`${functionName}@`)) continue;
        for (const container of pool) {
          container.dead = true;
          if (!container.busy) container.child.kill('SIGTERM');
        }
      }
    },
    async kill(functionName) {
      const running = [...pools.entries()]
        .filter(([key]) => key === functionName || key.startsWith(`${functionName}@`))
        .flatMap(([, pool]) => pool)
        .filter((c) => c.busy && !c.dead);
      await Promise.all(
        running.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.dead = true;
              if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve();
              c.child.once('exit', () => resolve());
              c.child.kill('SIGKILL');
            }),
        ),
      );
      return running.length;
    },
    async close() {
      const all = [...pools.values()].flat();
      pools.clear();
      await Promise.all(
        all.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve();
              c.child.once('exit', () => resolve());
              c.child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
