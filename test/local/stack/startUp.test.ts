import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../local/stack/lockDataDir.js';
import { killSpawnedStacks, runStack, spawnStack } from '../../support/spawnStack.js';

const QUIET = ['--no-demo', '--once'];
const dirs: string[] = [];
const blockers: Server[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-start-'));
  dirs.push(dir);
  return dir;
}

/** A listener on a free loopback port, standing in for another stack's server. */
async function blockPort(): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Pids of processes whose command line names `dir` (Linux; none elsewhere). */
function processesNaming(dir: string): number[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? -1;
}

async function answersSecretsManager(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'x-amz-target': 'secretsmanager.ListSecrets', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  });
  return response.status;
}

afterEach(async () => {
  await killSpawnedStacks();
  await Promise.all(blockers.splice(0).map((server) => new Promise((done) => server.close(done))));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm start with a port in use', () => {
  it.each([
    { flag: '--port', service: 'the local Secrets Manager', others: ['--token-port', '0', '--pg-port', '0'] },
    { flag: '--token-port', service: 'the local token service', others: ['--port', '0'] },
    { flag: '--pg-port', service: 'the embedded Postgres', others: ['--port', '0'] },
  ])('exits with status 2 naming the port when $flag is taken, leaving nothing running', async (c) => {
    const dir = dataDir();
    const port = await blockPort();

    const run = await runStack([...QUIET, ...c.others, c.flag, String(port), '--data-dir', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `Port ${port} for ${c.service} is in use (another local stack?): stop it, or pass ${c.flag} 0 ` +
        'to pick a free one.',
    );
    expect(run.stderr).not.toContain('    at ');
    expect(run.stdout).not.toContain('listening on');
    // Refused before anything started: no cluster made, the lock released, no server left behind.
    expect(existsSync(join(dir, 'postgres'))).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(processesNaming(dir)).toEqual([]);
  });
});

describe('npm start with its data directory in use', () => {
  it('exits with status 2 naming the directory and the stack that holds it, which keeps running', async () => {
    const dir = dataDir();
    const first = spawnStack(['--port', '0', '--no-postgres', '--no-demo', '--data-dir', dir]);
    const url = (await first.waitFor(/listening on (http:\/\/\S+)/))[1] ?? '';

    const second = await runStack([...QUIET, '--port', '0', '--no-postgres', '--data-dir', dir]);

    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `The data directory ${dir} is in use by another local stack (pid ${first.pid}): stop it, or pass ` +
        '--data-dir <other> (or --memory; add --port 0 to run beside it).',
    );
    expect(second.stdout).not.toContain('listening on');
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(first.pid));
    expect(await answersSecretsManager(url)).toBe(200);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('releases the lock when stopped with %s', async (signal) => {
    const dir = dataDir();
    const stack = spawnStack(['--port', '0', '--no-postgres', '--no-demo', '--data-dir', dir]);
    await stack.waitFor(/Running\./);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

    await stack.stop(signal);

    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('a stale data directory lock', () => {
  it('is taken over, with a note, when its stack is no longer running', async () => {
    const dir = dataDir();
    const pid = await deadPid();
    writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);

    const run = await runStack([...QUIET, '--port', '0', '--no-postgres', '--data-dir', dir]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Note: the data directory ${dir} was locked by a local stack that is no longer running (pid ${pid}); ` +
        'taking it over.',
    );
    expect(run.stdout).toContain('listening on');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self/stat'))(
    'is taken over when its pid now belongs to a process that started later',
    async () => {
      const dir = dataDir();
      // This test process is running, but it is not the process that started at tick 1.
      writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n1\n`);

      const run = await runStack([...QUIET, '--port', '0', '--no-postgres', '--data-dir', dir]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`no longer running (pid ${process.pid}); taking it over.`);
    },
  );
});

describe('two stacks started with --port 0', () => {
  it('run side by side, every service on its own free port', async () => {
    const flags = ['--port', '0', '--no-postgres', '--no-demo'];
    const stacks = [spawnStack([...flags, '--memory']), spawnStack([...flags, '--data-dir', dataDir()])];
    const urls = await Promise.all(
      stacks.map(async (stack) => {
        await stack.waitFor(/Running\./);
        return {
          secretsManager: /listening on (http:\/\/\S+)/.exec(stack.stdout())?.[1] ?? '',
          tokenService:
            /token service \(for api-token rotation\) on (http:\/\/\S+)/.exec(stack.stdout())?.[1] ?? '',
        };
      }),
    );

    const [a, b] = urls;
    expect(a?.secretsManager).not.toBe(b?.secretsManager);
    expect(a?.tokenService).not.toBe(b?.tokenService);
    for (const url of urls) {
      expect(url.tokenService).not.toMatch(/:4567$/);
      expect(await answersSecretsManager(url.secretsManager)).toBe(200);
      // Without a token the service answers 401: it is up, and it is this stack's.
      expect((await fetch(`${url.tokenService}/v1/me`)).status).toBe(401);
    }
  });
});
