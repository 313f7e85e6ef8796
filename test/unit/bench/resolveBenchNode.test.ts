import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBenchNode } from '../../../scripts/bench/resolveBenchNode.js';

describe('the Node that cold starts are timed on', () => {
  let root: string;
  let installed: string;
  let missing: string;

  const script = (path: string, body: string) => {
    writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path, 0o755);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-node-'));
    const bin = join(root, 'runtime', 'bin');
    mkdirSync(bin, { recursive: true });
    script(join(bin, 'node'), 'echo v24.0.0');
    // Stand-ins for the installer: one that has the runtime installed, one that has not.
    installed = join(root, 'installed.sh');
    script(installed, `[[ "$1" == --cached ]] && echo ${JSON.stringify(bin)}`);
    missing = join(root, 'missing.sh');
    script(missing, 'exit 1');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('is BENCH_NODE when set, with the version it reports', () => {
    expect(resolveBenchNode({ BENCH_NODE: process.execPath }, installed)).toEqual({
      path: process.execPath,
      version: process.version,
      source: 'BENCH_NODE',
    });
  });

  it('is the installed runtime Node without BENCH_NODE, looked up without installing it', () => {
    expect(resolveBenchNode({}, installed)).toEqual({
      path: join(root, 'runtime', 'bin', 'node'),
      version: 'v24.0.0',
      source: 'pinned runtime',
    });
  });

  it('falls back to the Node running the benchmark when the runtime Node is not installed', () => {
    expect(resolveBenchNode({ BENCH_NODE: '' }, missing)).toEqual({
      path: process.execPath,
      version: process.version,
      source: 'this process',
    });
  });

  it('rejects a BENCH_NODE that does not run, naming the variable', () => {
    expect(() => resolveBenchNode({ BENCH_NODE: join(root, 'no-such-node') }, installed)).toThrow(
      /BENCH_NODE: cannot run .*no-such-node/,
    );
  });
});
