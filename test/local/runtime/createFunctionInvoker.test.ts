import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFunctionInvoker, type FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import { FunctionNotFoundError } from '../../../local/lambda/errors.js';

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
