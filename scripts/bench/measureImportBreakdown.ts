import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { readBuildProperties, toEsbuildOptions } from '../functionBuildOptions.js';
import { percentile, timeProcess } from './measureBundles.js';

export interface ModuleImportCost {
  readonly module: string;
  /** When a function loads it. */
  readonly loaded: string;
  readonly bytes: number;
  readonly medianMs: number;
  readonly overheadMs: number;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A fixed, minimal environment as in Lambda, without and with the deployed NODE_OPTIONS. */
function lambdaEnvironment(functionName: string, nodeOptions: string | undefined) {
  const env: NodeJS.ProcessEnv = {
    ...(process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
  };
  return { env, deployed: { ...env, ...(nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions }) } };
}
const source = (path: string) => JSON.stringify(join(root, path));

/** What the bundles are made of, each part bundled alone as the functions are built and set up as they set it up. */
const MODULES = [
  {
    module: '@aws-sdk/client-secrets-manager',
    loaded: 'cold start',
    code: `import { createSecretsManagerClient } from ${source('shared/secrets/createSecretsManagerClient.ts')};
export const client = createSecretsManagerClient(process.env);`,
  },
  {
    module: '@aws-lambda-powertools/logger',
    loaded: 'cold start',
    code: `import { createLogger } from ${source('shared/logging/createLogger.ts')};
export const logger = createLogger(process.env, 'breakdown');`,
  },
  {
    module: '@aws-lambda-powertools/metrics',
    loaded: 'cold start',
    code: `import { Metrics } from '@aws-lambda-powertools/metrics';
export const metrics = new Metrics({ namespace: 'Breakdown', serviceName: 'breakdown' });`,
  },
  {
    module: 'pg',
    loaded: 'first login (Postgres functions)',
    code: `import pg from 'pg';
export const driver = pg.Client;`,
  },
  {
    module: '@aws-sdk/client-rds',
    loaded: 'first RDS question (Postgres functions)',
    code: `import { RDSClient } from ${source('shared/targets/postgres/rdsSdk.ts')};
export const rds = new RDSClient({});`,
  },
] as const;

/**
 * The import cost of each part of the bundles on its own: bundled with the functions' build options,
 * imported by a fresh `node` with the deployed NODE_OPTIONS, interleaved with an empty `node`.
 * Parts share code (the SDK's core), so the costs overlap rather than add up.
 */
export async function measureImportBreakdown(options: {
  readonly runs: number;
  readonly node: string;
  readonly nodeOptions: string | undefined;
}): Promise<{ baselineMs: number; modules: ModuleImportCost[] }> {
  const work = mkdtempSync(join(tmpdir(), 'import-breakdown-'));
  try {
    const files = await Promise.all(
      MODULES.map(async (part, index) => {
        const outfile = join(work, `part-${index}.cjs`);
        await build({
          ...toEsbuildOptions(readBuildProperties()),
          stdin: { contents: part.code, resolveDir: root, loader: 'ts', sourcefile: `${part.module}.ts` },
          outfile,
        });
        return outfile;
      }),
    );
    const { env, deployed } = lambdaEnvironment('import-breakdown', options.nodeOptions);
    const baseline: number[] = [];
    const samples = files.map(() => [] as number[]);
    for (let run = 0; run < options.runs; run++) {
      baseline.push(await timeProcess(options.node, 'baseline', '', env));
      for (const [index, file] of files.entries()) {
        const code = `await import(${JSON.stringify(pathToFileURL(file).href)}); process.exit(0);`;
        samples[index]?.push(await timeProcess(options.node, `${MODULES[index]?.module}`, code, deployed));
      }
    }
    const baselineMs = percentile(baseline, 0.5);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return {
      baselineMs: round(baselineMs),
      modules: MODULES.map((part, index) => {
        const median = percentile(samples[index] ?? [], 0.5);
        return {
          module: part.module,
          loaded: part.loaded,
          bytes: statSync(files[index] ?? '').size,
          medianMs: round(median),
          overheadMs: round(median - baselineMs),
        };
      }),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface FormatComparison {
  readonly function: string;
  /** The deployed CommonJS bundle. */
  readonly commonJs: { readonly medianMs: number; readonly overheadMs: number };
  /** The same function bundled as an ES module (built here for the comparison only). */
  readonly esModule: { readonly medianMs: number; readonly overheadMs: number };
}

/**
 * Each function's deployed CommonJS bundle against the same function bundled as an ES module,
 * imported alternately with the deployed NODE_OPTIONS: what the module format costs at a cold start.
 */
export async function measureModuleFormats(options: {
  readonly runs: number;
  readonly node: string;
  readonly nodeOptions: string | undefined;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly file: string }>;
}): Promise<FormatComparison[]> {
  const work = mkdtempSync(join(tmpdir(), 'module-formats-'));
  try {
    const esm = await Promise.all(
      options.functions.map(async ({ name }) => {
        const outfile = join(work, name, 'index.mjs');
        await build({
          ...toEsbuildOptions(readBuildProperties()),
          format: 'esm',
          outExtension: {},
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
          },
          entryPoints: [join(root, 'functions', name, 'index.ts')],
          outfile,
        });
        return outfile;
      }),
    );
    const { env, deployed } = lambdaEnvironment('module-formats', options.nodeOptions);
    const code = (file: string) =>
      `await import(${JSON.stringify(pathToFileURL(file).href)}); process.exit(0);`;
    const baseline: number[] = [];
    const samples = options.functions.map(() => ({ commonJs: [] as number[], esModule: [] as number[] }));
    for (let run = 0; run < options.runs; run++) {
      baseline.push(await timeProcess(options.node, 'baseline', '', env));
      for (const [index, fn] of options.functions.entries()) {
        samples[index]?.commonJs.push(await timeProcess(options.node, fn.name, code(fn.file), deployed));
        samples[index]?.esModule.push(
          await timeProcess(options.node, `${fn.name} (ES module)`, code(esm[index] ?? ''), deployed),
        );
      }
    }
    const baselineMs = percentile(baseline, 0.5);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const figures = (runs: number[]) => {
      const median = percentile(runs, 0.5);
      return { medianMs: round(median), overheadMs: round(median - baselineMs) };
    };
    return options.functions.map((fn, index) => ({
      function: fn.name,
      commonJs: figures(samples[index]?.commonJs ?? []),
      esModule: figures(samples[index]?.esModule ?? []),
    }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
