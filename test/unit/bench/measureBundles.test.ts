import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureBundleSizes, measureColdStarts, percentile } from '../../../scripts/bench/measureBundles.js';

// What a function's first Secrets Manager call amounts to on the wire: an HTTPS request to its endpoint.
const REQUEST =
  "require('node:https').get(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).on('error', () => {});";

// Repetitive padding guarantees gzip output smaller than the raw file.
const padding = `// ${'padding '.repeat(200)}\n`;

describe('bundle measurements', () => {
  let root: string;
  let dist: string;

  const writeBundle = (dir: string, name: string, source: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'index.mjs'), source + padding);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
    dist = join(root, 'dist');
    writeBundle(dist, 'beta', `export const handler = async () => { ${REQUEST} };\n`);
    writeBundle(dist, 'alpha', `export const handler = async () => { ${REQUEST} };\n`);
    // A loader beside its bundle, as the build writes them: timed with and without the loader.
    mkdirSync(join(dist, 'gamma'));
    writeFileSync(
      join(dist, 'gamma', 'index.cjs'),
      "globalThis[Symbol.for('secrets-rotation.codeCache')] = 'accepted';\nmodule.exports = require('./handler.cjs');\n",
    );
    writeFileSync(
      join(dist, 'gamma', 'handler.cjs'),
      `exports.handler = async () => { ${REQUEST} };\n${padding}`,
    );
    writeFileSync(
      join(dist, 'gamma', `handler.0123456789abcdef.v0.0.0-${process.arch}.v8cache`),
      Buffer.alloc(64),
    );
    mkdirSync(join(dist, 'cli'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('measures raw and gzip sizes of every bundle, sorted, skipping directories without one', () => {
    const sizes = measureBundleSizes(dist);
    expect(sizes.map((s) => s.name)).toEqual(['alpha', 'beta', 'gamma']);
    const gamma = sizes.find((s) => s.name === 'gamma');
    // A loader counts with the bundle it loads.
    expect(gamma?.bytes).toBe(
      statSync(join(dist, 'gamma', 'index.cjs')).size + statSync(join(dist, 'gamma', 'handler.cjs')).size,
    );
    expect(gamma?.codeCacheBytes).toBe(64);
    for (const size of sizes.filter((s) => s.name !== 'gamma')) {
      expect(size.codeCacheBytes).toBeUndefined();
      expect(size.bytes).toBe(statSync(join(dist, size.name, 'index.mjs')).size);
      expect(size.gzipBytes).toBeGreaterThan(0);
      expect(size.gzipBytes).toBeLessThan(size.bytes);
    }
  });

  it('times imports and first requests of each bundle against the baselines, and a loaded bundle without its loader', async () => {
    const report = await measureColdStarts(dist, { runs: 3, nodeArgs: ['--expose-gc'] });
    expect(report.baseline.samples).toHaveLength(3);
    expect(report.baseline.medianMs).toBeGreaterThan(0);
    expect(report.connectBaseline.samples).toHaveLength(3);
    expect(report.functions.map((f) => f.name)).toEqual(['alpha', 'beta', 'gamma']);
    for (const fn of report.functions) {
      expect(fn.samples).toHaveLength(3);
      expect(fn.medianMs).toBeGreaterThan(0);
      expect(fn.p95Ms).toBeGreaterThanOrEqual(fn.medianMs);
      expect(Number.isFinite(fn.overheadMs)).toBe(true);
      expect(fn.ratio).toBeGreaterThan(0);
      expect(fn.firstRequest.medianMs).toBeGreaterThan(0);
      expect(fn.firstRequest.p95Ms).toBeGreaterThanOrEqual(fn.firstRequest.medianMs);
    }
    const [alpha, , gamma] = report.functions;
    expect(alpha?.codeCache).toBe('none');
    expect(alpha?.withoutCodeCache).toBeUndefined();
    expect(gamma?.codeCache).toBe('accepted');
    expect(gamma?.withoutCodeCache?.import.medianMs).toBeGreaterThan(0);
    expect(gamma?.withoutCodeCache?.firstRequest.medianMs).toBeGreaterThan(0);
  });

  it('fails a bundle whose handler exits before making its first request', async () => {
    const quiet = join(root, 'quiet-dist');
    writeBundle(quiet, 'silent', 'export const handler = async () => { process.exit(0); };\n');
    await expect(measureColdStarts(quiet, { runs: 1 })).rejects.toThrow(/silent.*before its first request/s);
  });

  it('starts the node it is given, from the empty baseline on', async () => {
    await expect(measureColdStarts(dist, { runs: 1, node: join(root, 'no-such-node') })).rejects.toThrow(
      /baseline: could not start .*no-such-node/,
    );
  });

  it('rejects naming the bundle whose handler is not a function', async () => {
    const bad = join(root, 'bad-dist');
    writeBundle(bad, 'broken', 'export const handler = 42;\n');
    await expect(measureColdStarts(bad, { runs: 1 })).rejects.toThrow(/broken.*handler export is number/s);
  });

  it('computes nearest-rank percentiles regardless of input order', () => {
    const samples = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(samples, 0.5)).toBe(5);
    expect(percentile(samples, 0.95)).toBe(10);
    expect(percentile(samples, 0.1)).toBe(1);
    expect(samples[0]).toBe(10);
    expect(() => percentile([], 0.5)).toThrow(RangeError);
  });
});
