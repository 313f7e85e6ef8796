import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { makeCertificates } from '../../local/postgres/makeCertificates.js';
import { BUNDLE_FILE } from '../../shared/runtime/bundleScript.js';

export interface BundleSize {
  name: string;
  bytes: number;
  gzipBytes: number;
  /** The code cache shipped for this machine's architecture, when the build made one. */
  codeCacheBytes?: number;
}

export interface Timing {
  medianMs: number;
  p95Ms: number;
  samples: number[];
}

export interface ColdStartReport {
  /** An empty Node process: started and exited. */
  baseline: Timing;
  /** An empty Node process that connects to a local listener and sends one byte. */
  connectBaseline: Timing;
  functions: Array<
    { name: string } & Timing & {
        overheadMs: number;
        ratio: number;
        /** The same import without NODE_OPTIONS (so without source maps, when deployed with them). */
        withoutNodeOptions: { medianMs: number; overheadMs: number };
        /**
         * From spawning `node` until the function's first Secrets Manager request (its headers, over
         * TLS) reaches a local listener, in a createSecret: over the connect baseline.
         */
        firstRequest: { medianMs: number; p95Ms: number; overheadMs: number };
        /** Whether the loader compiled the bundle from its code cache (see shared/runtime/loadBundle.ts). */
        codeCache: string;
        /**
         * The bundle itself, without the loader and its code cache: what a Node other than the one the
         * cache was made by (or a build without one) pays.
         */
        withoutCodeCache?: {
          import: { medianMs: number; overheadMs: number };
          firstRequest: { medianMs: number; overheadMs: number };
        };
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

/**
 * The code each function loads: its entry, and the bundle beside it when the entry is the loader
 * (source maps and code caches are not code; a code cache's size is reported apart, for one
 * architecture).
 */
export function measureBundleSizes(distDir: string): BundleSize[] {
  return listBundles(distDir).map(({ name, file }) => {
    const dir = dirname(file);
    const own = join(dir, BUNDLE_FILE);
    const content = Buffer.concat([
      readFileSync(file),
      ...(own !== file && existsSync(own) ? [readFileSync(own)] : []),
    ]);
    const cache = readdirSync(dir).find((entry) => entry.endsWith(`-${process.arch}.v8cache`));
    return {
      name,
      bytes: content.byteLength,
      gzipBytes: gzipSync(content, { level: 9 }).byteLength,
      ...(cache === undefined ? {} : { codeCacheBytes: statSync(join(dir, cache)).size }),
    };
  });
}

const COLD_START_SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:cold-start-AbCdEf';
const COLD_START_TOKEN = '00000000-0000-4000-8000-000000000000';
const CODE_CACHE_USE = 'secrets-rotation.codeCache';

/**
 * `import` loads the bundle and says whether the code cache was used; `request` also runs a
 * createSecret, which the parent ends when its first request arrives.
 */
function childCode(file: string, kind: 'import' | 'request'): string {
  // As Lambda's runtime loads a handler: require() for CommonJS, import() for an ES module.
  const load = file.endsWith('.mjs')
    ? `import(${JSON.stringify(pathToFileURL(file).href)})`
    : `Promise.resolve(require(${JSON.stringify(resolve(file))}))`;
  const event = JSON.stringify({
    Step: 'createSecret',
    SecretId: COLD_START_SECRET,
    ClientRequestToken: COLD_START_TOKEN,
  });
  const context = `{ functionName: 'cold-start', awsRequestId: ${JSON.stringify(COLD_START_TOKEN)}, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cold-start', getRemainingTimeInMillis: () => 30000 }`;
  return [
    `${load}.then(({ handler }) => {`,
    `if (typeof handler !== 'function') { console.error('handler export is ' + typeof handler); process.exit(1); }`,
    ...(kind === 'request'
      ? [`handler(${event}, ${context});`]
      : [
          `process.stdout.write(String(globalThis[Symbol.for(${JSON.stringify(CODE_CACHE_USE)})] ?? 'none'));`,
          // Exit explicitly so handles a bundle leaves open are not counted as start-up time.
          'process.exit(0);',
        ]),
    '}, (error) => { console.error(error); process.exit(1); });',
  ].join('\n');
}

interface Listener {
  readonly url: string;
  readonly port: number;
  /** Resolves at the next arrival: an HTTP request's headers (https) or a first byte (tcp). */
  next(): Promise<number>;
  close(): Promise<void>;
}

/** A listener that resolves `next()` with the time its next connection delivered a first byte. */
async function startListener(
  scheme: 'https' | 'tcp',
  create: (arrived: () => void) => NetServer,
): Promise<Listener> {
  let arrived: ((at: number) => void) | undefined;
  const server = create(() => arrived?.(performance.now()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    next: () => new Promise((resolve) => (arrived = resolve)),
    close: () => {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Secrets Manager's stand-in: HTTPS with a throwaway CA, as the real endpoint is TLS. */
function startHttpsListener(cert: { key: string; cert: string }): Promise<Listener> {
  return startListener('https', (arrived) =>
    createHttpsServer(cert, (_request, response) => {
      arrived();
      response.destroy();
    }),
  );
}

function startTcpListener(): Promise<Listener> {
  return startListener('tcp', (arrived) =>
    createNetServer((socket) => {
      socket.once('data', () => {
        arrived();
        socket.destroy();
      });
      socket.on('error', () => socket.destroy());
    }),
  );
}

/**
 * Wall-clock ms from spawning `node -e code` until the process exits; rejects on a non-zero exit.
 * `code` is an ES module unless `inputType` says CommonJS.
 */
export function timeProcess(
  node: string,
  label: string,
  code: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
  inputType: 'module' | 'commonjs' = 'module',
): Promise<number> {
  return spawnTimed(node, label, code, env, [...nodeArgs, `--input-type=${inputType}`]).then(
    ({ elapsedMs }) => elapsedMs,
  );
}

/** `node <nodeArgs> -e code`, timed until it exits or, with `until`, until that arrival (then killed). */
function spawnTimed(
  node: string,
  label: string,
  code: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[],
  until?: Promise<number>,
): Promise<{ elapsedMs: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let stdout = '';
    let elapsedMs = 0;
    let arrivedMs: number | undefined;
    const started = performance.now();
    const child = spawn(node, [...nodeArgs, '-e', code], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    until?.then((at) => {
      arrivedMs = at - started;
      child.kill('SIGKILL');
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
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
      if (until !== undefined) {
        if (arrivedMs !== undefined) resolve({ elapsedMs: arrivedMs, stdout });
        else
          reject(
            new Error(
              `${label}: exited with ${signal ?? `code ${code}`} before its first request: ${stderr.trim()}`,
            ),
          );
      } else if (code === 0) resolve({ elapsedMs, stdout });
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
 * Cold starts of every bundle in `distDir`, each a fresh `node` importing it, and one running a
 * createSecret until its first Secrets Manager request reaches a local TLS listener, against the same
 * `node` starting empty (and, for the request, connecting and sending one byte). `node` is the
 * executable to time (default: the one running this code); `nodeArgs` are the flags Lambda starts it
 * with. A function built with the code cache loader is also timed without it.
 */
export async function measureColdStarts(
  distDir: string,
  options: {
    runs: number;
    node?: string;
    env?: Record<string, string>;
    nodeOptions?: string;
    nodeArgs?: readonly string[];
  },
): Promise<ColdStartReport> {
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new RangeError(`runs must be a positive integer, got ${options.runs}`);
  }
  const certificates = await makeCertificates({ dns: ['localhost'], ips: ['127.0.0.1'] });
  const work = mkdtempSync(join(tmpdir(), 'cold-start-'));
  const caFile = join(work, 'ca.pem');
  writeFileSync(caFile, certificates.caPem);
  // A minimal, fixed environment: the parent's variables (NODE_OPTIONS, loaders) would skew the timings.
  const env: NodeJS.ProcessEnv = {
    ...(process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    ...options.env,
  };
  const nodeArgs = options.nodeArgs ?? [];
  const bundles = listBundles(distDir).map((bundle) => {
    const own = join(dirname(bundle.file), BUNDLE_FILE);
    return { ...bundle, ...(own !== bundle.file && existsSync(own) ? { uncached: own } : {}) };
  });
  const node = options.node ?? process.execPath;
  const https = await startHttpsListener({
    key: certificates.serverKeyPem,
    cert: certificates.serverCertPem,
  });
  const tcp = await startTcpListener();
  // As deployed: the function's NODE_OPTIONS, and in Lambda (its name and credentials set).
  const deployed: NodeJS.ProcessEnv = {
    ...env,
    ...(options.nodeOptions === undefined ? {} : { NODE_OPTIONS: options.nodeOptions }),
    AWS_LAMBDA_FUNCTION_NAME: 'cold-start',
  };
  const requesting: NodeJS.ProcessEnv = {
    ...deployed,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: https.url,
    NODE_EXTRA_CA_CERTS: caFile,
  };
  const baseline: number[] = [];
  const connectBaseline: number[] = [];
  const kinds = ['import', 'bare', 'request', 'uncachedImport', 'uncachedRequest'] as const;
  type Kind = (typeof kinds)[number];
  const samples = new Map(
    bundles.map((bundle) => [
      bundle.name,
      Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<Kind, number[]>,
    ]),
  );
  const codeCache = new Map<string, string>();
  const connectCode = `const socket = require('node:net').connect(${tcp.port}, '127.0.0.1', () => socket.write('x')); socket.on('error', () => {});`;

  try {
    // Sequential and interleaved, so load on the machine hits baselines and bundles alike.
    for (let run = 0; run < options.runs; run++) {
      // CommonJS, as the functions' children below (Lambda requires a CommonJS handler).
      baseline.push(await timeProcess(node, 'baseline', '', env, nodeArgs, 'commonjs'));
      connectBaseline.push(
        (await spawnTimed(node, 'baseline (connect)', connectCode, env, nodeArgs, tcp.next())).elapsedMs,
      );
      for (const bundle of bundles) {
        const label = `bundle ${bundle.name} (${bundle.file})`;
        const sample = samples.get(bundle.name);
        for (const kind of kinds) {
          const file = kind.startsWith('uncached') ? bundle.uncached : bundle.file;
          if (file === undefined) continue;
          const request = kind === 'request' || kind === 'uncachedRequest';
          const { elapsedMs, stdout } = await spawnTimed(
            node,
            label,
            childCode(file, request ? 'request' : 'import'),
            kind === 'bare' ? { ...deployed, NODE_OPTIONS: '' } : request ? requesting : deployed,
            nodeArgs,
            request ? https.next() : undefined,
          );
          sample?.[kind].push(elapsedMs);
          if (kind === 'import') codeCache.set(bundle.name, stdout.trim());
        }
      }
    }
  } finally {
    await https.close();
    await tcp.close();
    rmSync(work, { recursive: true, force: true });
  }

  const baselineMedian = percentile(baseline, 0.5);
  const connectMedian = percentile(connectBaseline, 0.5);
  const over = (runs: number[], from = baselineMedian) => {
    const median = percentile(runs, 0.5);
    return { medianMs: roundMs(median), overheadMs: roundMs(median - from) };
  };
  return {
    baseline: timing(baseline),
    connectBaseline: timing(connectBaseline),
    functions: bundles.map(({ name }) => {
      const runs = samples.get(name) as Record<Kind, number[]>;
      const median = percentile(runs.import, 0.5);
      return {
        name,
        ...timing(runs.import),
        overheadMs: roundMs(median - baselineMedian),
        ratio: Math.round((median / baselineMedian) * 100) / 100,
        withoutNodeOptions: over(runs.bare),
        firstRequest: {
          ...over(runs.request, connectMedian),
          p95Ms: roundMs(percentile(runs.request, 0.95)),
        },
        codeCache: codeCache.get(name) ?? 'none',
        ...(runs.uncachedImport.length === 0
          ? {}
          : {
              withoutCodeCache: {
                import: over(runs.uncachedImport),
                firstRequest: over(runs.uncachedRequest, connectMedian),
              },
            }),
      };
    }),
  };
}
