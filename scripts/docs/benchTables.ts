import { formatCount, formatDay, formatNodeVersion, formatSeconds } from './formatCount.js';
import { markdownTable } from './markdownTable.js';

interface Percentiles {
  readonly p50: number;
  readonly p95: number;
}

/** bench/results.json, as `npm run bench` writes it. */
export interface BenchResults {
  readonly measuredAt: string;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel?: string };
  readonly bundles: ReadonlyArray<{
    readonly name: string;
    readonly bytes: number;
    readonly gzipBytes: number;
  }>;
  readonly coldStarts: {
    /** Where cold starts were timed; absent in files written before it was recorded (the machine's Node). */
    readonly node?: { readonly version: string; readonly source: string };
    readonly baseline: { readonly medianMs: number; readonly p95Ms: number };
    readonly functions: ReadonlyArray<{
      readonly name: string;
      readonly medianMs: number;
      readonly p95Ms: number;
      readonly overheadMs: number;
      readonly ratio: number;
    }>;
  };
  readonly latency: ReadonlyArray<{
    readonly function: string;
    readonly peakMemoryMb: number;
    readonly rotations: number;
    readonly totalMs: Percentiles;
    readonly steps: Readonly<Record<string, Percentiles>>;
    readonly secretsManagerCallsPerRotation: number;
    readonly secretsManagerCalls: Readonly<Record<string, number>>;
    readonly sqlStatementsPerRotation: number;
    readonly dbConnectionsPerRotation: number;
  }>;
  readonly fleet: {
    readonly reservedConcurrency: number;
    readonly runs: ReadonlyArray<{
      readonly secrets: number;
      readonly totalMs: number;
      readonly rotationsPerSecond: number;
      readonly errors: number;
      readonly peakDbConnections: number;
      readonly peakFunctionMemoryMb: number;
    }>;
  };
}

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const kilobytes = (bytes: number) => `${formatCount(Math.round(bytes / 1024))} KB`;

function named<T extends { readonly name: string }>(items: readonly T[], name: string, what: string): T {
  const item = items.find((candidate) => candidate.name === name);
  if (item === undefined) throw new Error(`bench/results.json: no ${what} for ${name}`);
  return item;
}

/** Per function: bundle, cold start, rotation and step latency, calls, database work, memory. */
export function benchFunctionsSection(results: BenchResults): string {
  const coldNode = results.coldStarts.node?.version ?? results.machine.node;
  const machine = `${results.machine.cpus} CPUs${results.machine.cpuModel ? ` (${results.machine.cpuModel})` : ''}`;
  const rows = results.latency.map((run) => {
    const bundle = named(results.bundles, run.function, 'bundle');
    const cold = named(results.coldStarts.functions, run.function, 'cold start');
    return [
      run.function,
      `${kilobytes(bundle.bytes)} (${kilobytes(bundle.gzipBytes)})`,
      `${cold.medianMs} / ${cold.p95Ms} ms (+${Math.round(cold.overheadMs)} ms, ×${cold.ratio})`,
      `${run.totalMs.p50} / ${run.totalMs.p95} ms`,
      ...STEPS.map((step) => {
        const timing = run.steps[step];
        return timing === undefined ? '–' : `${timing.p50} / ${timing.p95}`;
      }),
      run.secretsManagerCallsPerRotation,
      `${run.sqlStatementsPerRotation} / ${run.dbConnectionsPerRotation}`,
      `${run.peakMemoryMb} MB`,
    ];
  });
  const rotations = [...new Set(results.latency.map((run) => run.rotations))].join(' or ');
  return [
    `Measured ${formatDay(results.measuredAt)} on ${machine}, rotations on Node ${formatNodeVersion(results.machine.node)}, cold starts on Node ${formatNodeVersion(coldNode)}.`,
    '',
    markdownTable(
      [
        'function',
        'bundle (gzip)',
        'cold start median / p95 (over empty Node)',
        'rotation p50 / p95',
        ...STEPS,
        'Secrets Manager calls',
        'SQL statements / sessions',
        'peak RSS',
      ],
      rows,
    ),
    '',
    `An empty Node process starts in ${results.coldStarts.baseline.medianMs} ms (median; p95 ${results.coldStarts.baseline.p95Ms} ms) on the same machine. ` +
      `Rotations: ${rotations} per function, step times in ms (p50 / p95).`,
  ].join('\n');
}

/** The fleet runs: secrets rotated at once, time, throughput, errors, database sessions, memory. */
export function benchFleetSection(results: BenchResults): string {
  return [
    `Fleet: single-user Postgres secrets all rotated at once through \`RotateSecret\` against one Postgres, with reserved concurrency ${results.fleet.reservedConcurrency}:`,
    '',
    markdownTable(
      ['secrets', 'total', 'rotations/s', 'errors', 'peak database sessions', 'peak function RSS'],
      results.fleet.runs.map((run) => [
        formatCount(run.secrets),
        `${formatSeconds(run.totalMs)} s`,
        run.rotationsPerSecond,
        run.errors,
        run.peakDbConnections,
        `${run.peakFunctionMemoryMb} MB`,
      ]),
    ),
  ].join('\n');
}

/** Secrets Manager calls per rotation, by operation. */
export function benchCallsSection(results: BenchResults): string {
  const operations = [...new Set(results.latency.flatMap((run) => Object.keys(run.secretsManagerCalls)))];
  return markdownTable(
    ['function', ...operations.map((operation) => `\`${operation}\``), 'total'],
    results.latency.map((run) => [
      run.function,
      ...operations.map((operation) => run.secretsManagerCalls[operation] ?? 0),
      run.secretsManagerCallsPerRotation,
    ]),
  );
}

/** The figures set as targets for the functions, each with what was measured. */
export function benchTargetsSection(results: BenchResults): string {
  const postgres = results.latency.filter((run) => run.function.startsWith('postgres-'));
  const overheads = results.coldStarts.functions.map((f) => Math.round(f.overheadMs));
  const withinCalls = results.latency.filter((run) => run.secretsManagerCallsPerRotation <= 10);
  const thousand = results.fleet.runs.find((run) => run.secrets === 1000);
  const verdict = (met: boolean, why?: string) =>
    met ? 'met' : why === undefined ? 'not met' : `not met: ${why}`;
  const rows: string[][] = [
    [
      'full Postgres rotation on the local stack under 150 ms at p50',
      postgres.map((run) => `${run.function} ${run.totalMs.p50} ms`).join(', '),
      verdict(postgres.length > 0 && postgres.every((run) => run.totalMs.p50 < 150)),
    ],
    [
      'cold-start overhead under 40 ms over an empty Node process',
      `${Math.min(...overheads)} to ${Math.max(...overheads)} ms`,
      verdict(
        overheads.every((ms) => ms < 40),
        'the bundles carry the AWS SDK and, for Postgres, `pg`; loading them costs the figures above',
      ),
    ],
    [
      'at most 10 Secrets Manager calls per rotation',
      results.latency.map((run) => `${run.function} ${run.secretsManagerCallsPerRotation}`).join(', '),
      withinCalls.length === results.latency.length
        ? 'met'
        : withinCalls.length === 0
          ? 'not met: see the calls above'
          : `met by ${withinCalls.map((run) => run.function).join(', ')} only: see the calls above`,
    ],
    thousand === undefined
      ? ['1,000 secrets in under 60 s', 'not measured in this run', '–']
      : [
          '1,000 secrets in under 60 s',
          `${formatSeconds(thousand.totalMs)} s with a reserved concurrency of ${results.fleet.reservedConcurrency}`,
          verdict(
            thousand.totalMs < 60_000 && thousand.errors === 0,
            `on this ${results.machine.cpus}-CPU machine the run is CPU-bound, every rotation doing TLS handshakes and SCRAM on both sides`,
          ),
        ],
  ];
  return markdownTable(['target', 'measured', 'verdict'], rows);
}

/** The sizing the template's memory and timeout rest on, in one sentence. */
export function deploySizingSection(results: BenchResults): string {
  const peak = Math.max(
    ...results.latency.map((run) => run.peakMemoryMb),
    ...results.fleet.runs.map((run) => run.peakFunctionMemoryMb),
  );
  const largest = Math.max(...results.fleet.runs.map((run) => run.secrets));
  const slowestStep = Math.max(
    ...results.latency.flatMap((run) => Object.values(run.steps).map((s) => s.p95)),
  );
  return (
    `In the latest \`npm run bench\` (${formatDay(results.measuredAt)}, [benchmarks](benchmarks.md)) peak RSS was ${peak} MB at most, ` +
    `even in the ${formatCount(largest)}-secret fleet, and the slowest step took ${slowestStep} ms at p95.`
  );
}
