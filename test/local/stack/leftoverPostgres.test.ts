import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../../local/stack/processInfo.js';
import { killSpawnedStacks, runStack, spawnStack } from '../../support/spawnStack.js';

const dirs: string[] = [];
const postmasters = new Set<number>();

function postmasterPid(dir: string): number | undefined {
  const file = join(dir, 'postgres', 'data', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** Immediate shutdown (SIGQUIT) of every server a test left, then its directory goes. */
afterEach(async () => {
  await killSpawnedStacks();
  for (const dir of dirs) {
    const pid = postmasterPid(dir);
    if (pid !== undefined) postmasters.add(pid);
  }
  for (const pid of postmasters) {
    const argv = processInfo(pid).argv ?? [];
    if (processInfo(pid).running && argv.some((arg) => dirs.some((dir) => arg.startsWith(dir))))
      process.kill(pid, 'SIGQUIT');
  }
  for (let waited = 0; [...postmasters].some((pid) => processInfo(pid).running) && waited < 100; waited++)
    await new Promise((done) => setTimeout(done, 100));
  postmasters.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a Postgres left running by a SIGKILLed stack', () => {
  it('is stopped by the next start from the same data directory, which says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-leftover-'));
    dirs.push(dir);
    const flags = ['--port', '0', '--no-demo', '--data-dir', dir];
    const first = spawnStack(flags);
    await first.waitFor(/Embedded Postgres on /, 150_000);
    const leftover = postmasterPid(dir) ?? -1;
    postmasters.add(leftover);

    await first.stop('SIGKILL');
    // The premise: nothing stopped the server when its stack died.
    expect(processInfo(leftover).running).toBe(true);
    const second = await runStack([...flags, '--once']);

    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `Note: stopped a Postgres left running by a killed stack (pid ${leftover}, data directory ` +
        `${join(dir, 'postgres', 'data')}).`,
    );
    expect(second.stdout).toContain(`no longer running (pid ${first.pid}); taking it over.`);
    expect(processInfo(leftover).running).toBe(false);
    // The second stack's own server stopped with it (--once).
    expect(postmasterPid(dir)).toBeUndefined();
  }, 240_000);
});
