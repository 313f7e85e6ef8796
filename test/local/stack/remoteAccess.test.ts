import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RemoteBindRefusedError } from '../../../local/endpoint/errors.js';
import { startLocalStack } from '../../../local/stack/startLocalStack.js';

const SCRIPT = fileURLToPath(new URL('../../../local/start.ts', import.meta.url));
const BASE = ['--port', '0', '--token-port', '0', '--no-postgres', '--no-demo', '--memory', '--once'];

/** `npm start` with `flags`, run to its exit: the stack starts and, with --once, stops again. */
function start(flags: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...BASE, ...flags], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start --host', () => {
  it.each(['0.0.0.0', '192.0.2.1'])(
    'exits with status 2 for --host %s without --allow-remote',
    async (host) => {
      const run = await start(['--host', host]);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Refusing to listen on ${host}: it is not a loopback address`);
      expect(run.stderr).toContain('--allow-remote');
      expect(run.stdout).not.toContain('listening on');
    },
  );

  it('starts on every interface with --allow-remote, warning about both servers', async () => {
    const run = await start(['--host', '0.0.0.0', '--allow-remote']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Local Secrets Manager listening on http://0.0.0.0:');
    expect(run.stderr).toMatch(
      /WARNING: the local Secrets Manager endpoint is listening on http:\/\/0\.0\.0\.0:/,
    );
    expect(run.stderr).toMatch(/WARNING: the local token service is listening on http:\/\/0\.0\.0\.0:/);
    expect(run.stderr).toContain('no authentication (any credentials and signature are accepted)');
    expect(run.stderr).toContain('any Host header');
  });

  it('starts quietly on loopback', async () => {
    const run = await start(['--host', '127.0.0.1']);

    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('WARNING');
  });
});

describe('startLocalStack', () => {
  it('refuses a non-loopback host without allowRemote', async () => {
    await expect(
      startLocalStack({ host: '0.0.0.0', port: 0, schedulerIntervalMs: 0 }),
    ).rejects.toBeInstanceOf(RemoteBindRefusedError);
  });

  it('passes allowRemote and the warning sink to its endpoint', async () => {
    const warnings: string[] = [];
    const stack = await startLocalStack({
      host: '0.0.0.0',
      port: 0,
      allowRemote: true,
      schedulerIntervalMs: 0,
      warn: (message) => warnings.push(message),
    });
    await stack.close();

    expect(warnings).toEqual([expect.stringContaining('the local Secrets Manager endpoint is listening on')]);
  });
});
