import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface Timing {
  medianMs: number;
  p95Ms: number;
  samples: number[];
}

export interface ColdStartReport {
  baseline: Timing;
  functions: Array<
    { name: string } & Timing & {
        overheadMs: number;
        ratio: number;
        /** The same import without NODE_OPTIONS (so without source maps, when deployed with them). */
        withoutNodeOptions: { medianMs: number; overheadMs: number };
        /** Import, then a first invocation that succeeds after its first round of Secrets Manager calls. */
        firstInvocation: { medianMs: number; overheadMs: number };
      }
  >;
}

/** Nearest-rank percentile, `p` in (0, 1]: the value at index ceil(p * n) - 1 of the sorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of an empty sample set');
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile must be in (0, 1], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1] as number;
}

const roundMs = (ms: number) => Math.round(ms * 10) / 10;

export function listBundles(distDir: string): Array<{ name: string; file: string }> {
  return readdirSync(distDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const file = ['index.cjs', 'index.mjs']
        .map((name) => join(distDir, entry.name, name))
        .find((candidate) => existsSync(candidate));
      return file === undefined ? [] : [{ name: entry.name, file }];
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function measureBundleSizes(distDir: string): BundleSize[] {
  return listBundles(distDir).map(({ name, file }) => {
    const content = readFileSync(file);
    return { name, bytes: content.byteLength, gzipBytes: gzipSync(content, { level: 9 }).byteLength };
  });
}

const COLD_START_SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:cold-start-AbCdEf';
const COLD_START_TOKEN = '00000000-0000-4000-8000-000000000000';

function importCode(file: string, invoke: boolean): string {
  const url = JSON.stringify(pathToFileURL(file).href);
  // A createSecret whose version is already AWSCURRENT: the step succeeds after its first round of
  // calls, so the figure holds the client's first-request set-up and no error handling.
  const event = JSON.stringify({
    Step: 'createSecret',
    SecretId: COLD_START_SECRET,
    ClientRequestToken: COLD_START_TOKEN,
  });
  // Exit explicitly so handles a bundle leaves open (sockets, timers) are not counted as start-up time.
  return [
    `const { handler } = await import(${url});`,
    `if (typeof handler !== 'function') { console.error('handler export is ' + typeof handler); process.exit(1); }`,
    ...(invoke ? [`await handler(${event});`] : []),
    'process.exit(0);',
  ].join('\n');
}

/**
 * Answers DescribeSecret with the cold-start secret's version already AWSCURRENT, and reads (the
 * step's reads ahead) as Secrets Manager answers a version without a value.
 */
async function startStubEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      response.writeHead(operation === 'DescribeSecret' ? 200 : 400, {
        'content-type': 'application/x-amz-json-1.1',
      });
      response.end(
        JSON.stringify(
          operation === 'DescribeSecret'
            ? {
                ARN: COLD_START_SECRET,
                Name: 'cold-start',
                RotationEnabled: true,
                VersionIdsToStages: { [COLD_START_TOKEN]: ['AWSCURRENT'] },
              }
            : { __type: 'ResourceNotFoundException', message: 'not found' },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Wall-clock ms from spawning `node -e code` until the process exits; rejects on a non-zero exit. */
export function timeProcess(
  node: string,
  label: string,
  code: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let elapsedMs = 0;
    const started = performance.now();
    const child = spawn(node, ['--input-type=module', '-e', code], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('exit', () => {
      elapsedMs = performance.now() - started;
    });
    child.on('error', (error) => reject(new Error(`${label}: could not start ${node}: ${error.message}`)));
    // Settle on 'close' so stderr is complete for the error message; the timing is taken at 'exit'.
    child.on('close', (code, signal) => {
      if (code === 0) resolve(elapsedMs);
      else reject(new Error(`${label}: exited with ${signal ?? `code ${code}`}: ${stderr.trim()}`));
    });
  });
}

function timing(samples: number[]): Timing {
  return {
    medianMs: roundMs(percentile(samples, 0.5)),
    p95Ms: roundMs(percentile(samples, 0.95)),
    samples: samples.map(roundMs),
  };
}

/**
 * Cold starts of every bundle in `distDir`, each a fresh `node` importing it, against the same `node`
 * starting empty. `node` is the executable to time (default: the one running this code).
 */
export async function measureColdStarts(
  distDir: string,
  options: { runs: number; node?: string; env?: Record<string, string>; nodeOptions?: string },
): Promise<ColdStartReport> {
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new RangeError(`runs must be a positive integer, got ${options.runs}`);
  }
  // A minimal, fixed environment: the parent's variables (NODE_OPTIONS, loaders) would skew the timings.
  const env: NodeJS.ProcessEnv = {
    ...(process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ...options.env,
  };
  const bundles = listBundles(distDir);
  const node = options.node ?? process.execPath;
  const stub = await startStubEndpoint();
  // As deployed: the function's NODE_OPTIONS, and in Lambda (its name and credentials set).
  const deployed: NodeJS.ProcessEnv = {
    ...env,
    ...(options.nodeOptions === undefined ? {} : { NODE_OPTIONS: options.nodeOptions }),
    AWS_LAMBDA_FUNCTION_NAME: 'cold-start',
  };
  const invoking: NodeJS.ProcessEnv = { ...deployed, AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.url };
  const baseline: number[] = [];
  const kinds = ['import', 'bare', 'invoke'] as const;
  const samples = new Map(
    bundles.map((bundle) => [
      bundle.name,
      { import: [] as number[], bare: [] as number[], invoke: [] as number[] },
    ]),
  );

  try {
    // Sequential and interleaved, so load on the machine hits baseline and bundles alike.
    for (let run = 0; run < options.runs; run++) {
      baseline.push(await timeProcess(node, 'baseline', '', env));
      for (const bundle of bundles) {
        const label = `bundle ${bundle.name} (${bundle.file})`;
        const sample = samples.get(bundle.name);
        for (const kind of kinds) {
          sample?.[kind].push(
            await timeProcess(
              node,
              label,
              importCode(bundle.file, kind === 'invoke'),
              kind === 'import' ? deployed : kind === 'bare' ? { ...deployed, NODE_OPTIONS: '' } : invoking,
            ),
          );
        }
      }
    }
  } finally {
    await stub.close();
  }

  const baselineMedian = percentile(baseline, 0.5);
  const over = (runs: number[]) => {
    const median = percentile(runs, 0.5);
    return { medianMs: roundMs(median), overheadMs: roundMs(median - baselineMedian) };
  };
  return {
    baseline: timing(baseline),
    functions: bundles.map(({ name }) => {
      const runs = samples.get(name) ?? { import: [], bare: [], invoke: [] };
      const median = percentile(runs.import, 0.5);
      return {
        name,
        ...timing(runs.import),
        overheadMs: roundMs(median - baselineMedian),
        ratio: Math.round((median / baselineMedian) * 100) / 100,
        withoutNodeOptions: over(runs.bare),
        firstInvocation: over(runs.invoke),
      };
    }),
  };
}
