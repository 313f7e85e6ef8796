import { describe, expect, it } from 'vitest';
import type { OrderFigures } from '../../../scripts/bench/measureRotationLatency.js';
import {
  type BenchResults,
  benchCallsSection,
  benchFleetSection,
  benchFunctionsSection,
  benchHeadlineSection,
  benchImportSection,
  benchRotationSection,
  benchTargetsSection,
  deploySizingSection,
} from '../../../scripts/docs/benchTables.js';

const steps = (ms: number) => ({
  createSecret: { p50: ms, p95: ms + 5 },
  setSecret: { p50: ms, p95: ms + 6 },
  testSecret: { p50: ms, p95: ms + 7 },
  finishSecret: { p50: ms, p95: ms + 8 },
});

const CALLS = { DescribeSecret: 4, GetSecretValue: 4, PutSecretValue: 1, UpdateSecretVersionStage: 1 };

const figures = (overrides: Partial<OrderFigures>): OrderFigures => ({
  totalMs: { p50: 129, p95: 130 },
  steps: steps(30),
  secretsManagerCalls: 10,
  sequentialRoundTrips: 6,
  secretsManagerCallsByOperation: CALLS,
  tlsHandshakes: 0,
  logins: 0,
  failedLogins: 0,
  sqlStatements: 0,
  postgresRoundTrips: 0,
  peakMemoryMb: 75,
  ...overrides,
});

const RESULTS: BenchResults = {
  measuredAt: '2026-11-30T03:01:02.146Z',
  machine: { node: '20.20.2', cpus: 2, cpuModel: 'AMD EPYC' },
  bundles: [
    { name: 'postgres-single-user', bytes: 568286, gzipBytes: 170360, codeCacheBytes: 789504 },
    { name: 'random-value', bytes: 360285, gzipBytes: 113856 },
  ],
  coldStarts: {
    node: { version: 'v24.22.3', source: 'pinned runtime' },
    nodeOptions: '--enable-source-maps',
    nodeArgs: ['--expose-gc', '--max-semi-space-size=12'],
    moduleFormats: [
      {
        function: 'postgres-single-user',
        commonJs: { medianMs: 86.5, overheadMs: 55.2 },
        esModule: { medianMs: 121.5, overheadMs: 90.2 },
      },
      {
        function: 'random-value',
        commonJs: { medianMs: 80, overheadMs: 48.7 },
        esModule: { medianMs: 96.1, overheadMs: 64.8 },
      },
    ],
    importBreakdown: [
      {
        module: '@aws-sdk/client-secrets-manager',
        loaded: 'cold start',
        bytes: 305661,
        medianMs: 69.9,
        overheadMs: 40.6,
      },
      {
        module: 'pg',
        loaded: 'first login (Postgres functions)',
        bytes: 86477,
        medianMs: 42.5,
        overheadMs: 13.3,
      },
    ],
    baseline: { medianMs: 31.3, p95Ms: 37.3 },
    connectBaseline: { medianMs: 34.3, p95Ms: 40.1 },
    functions: [
      {
        name: 'postgres-single-user',
        medianMs: 86.5,
        p95Ms: 90.1,
        overheadMs: 55.2,
        ratio: 2.77,
        withoutNodeOptions: { medianMs: 82.6, overheadMs: 51.3 },
        firstRequest: { medianMs: 88.4, p95Ms: 95.2, overheadMs: 54.1 },
        codeCache: 'accepted',
        withoutCodeCache: {
          import: { medianMs: 101.2, overheadMs: 69.9 },
          firstRequest: { medianMs: 112.5, overheadMs: 78.2 },
        },
      },
      {
        name: 'random-value',
        medianMs: 77.4,
        p95Ms: 91.8,
        overheadMs: 46.2,
        ratio: 2.48,
        withoutNodeOptions: { medianMs: 78.8, overheadMs: 47.5 },
        firstRequest: { medianMs: 80.3, p95Ms: 84.9, overheadMs: 46 },
        codeCache: 'rejected',
      },
    ],
  },
  secretsManagerLatencyMs: 15,
  latency: [
    {
      function: 'random-value',
      rotations: 50,
      ratio: 0.64,
      orders: {
        'read-ahead': figures({}),
        sequential: figures({
          totalMs: { p50: 203, p95: 209 },
          steps: steps(40),
          sequentialRoundTrips: 10,
          peakMemoryMb: 80,
        }),
      },
    },
    {
      function: 'postgres-single-user',
      rotations: 50,
      ratio: 0.67,
      orders: {
        'read-ahead': figures({
          totalMs: { p50: 164, p95: 171 },
          secretsManagerCalls: 13,
          secretsManagerCallsByOperation: { ...CALLS, DescribeSecret: 5, GetSecretValue: 6 },
          tlsHandshakes: 3,
          logins: 3,
          failedLogins: 1,
          sqlStatements: 3,
          postgresRoundTrips: 18,
          peakMemoryMb: 86,
        }),
        sequential: figures({
          totalMs: { p50: 245, p95: 260 },
          steps: steps(60),
          secretsManagerCalls: 11,
          sequentialRoundTrips: 11,
          secretsManagerCallsByOperation: { ...CALLS, GetSecretValue: 5 },
          tlsHandshakes: 2,
          logins: 2,
          sqlStatements: 3,
          postgresRoundTrips: 13,
          peakMemoryMb: 90,
        }),
      },
    },
  ],
  fleet: {
    reservedConcurrency: 10,
    runs: [
      {
        secrets: 100,
        totalMs: 13290,
        rotationsPerSecond: 7.5,
        errors: 0,
        peakDbConnections: 3,
        peakFunctionMemoryMb: 117,
      },
      {
        secrets: 1000,
        totalMs: 98667,
        rotationsPerSecond: 10.1,
        errors: 0,
        peakDbConnections: 6,
        peakFunctionMemoryMb: 137,
      },
    ],
  },
};

/** The cells of each table row, trimmed. */
const rows = (markdown: string) =>
  markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );

/** The targets table's rows as [measured, verdict], by the target's first words. */
const targets = (results: BenchResults) =>
  Object.fromEntries(
    rows(benchTargetsSection(results))
      .slice(1)
      .map(([target = '', measured, verdict]) => [
        target.split(' ').slice(0, 2).join(' '),
        [measured, verdict],
      ]),
  );

/** RESULTS with each function's figures changed. */
const withLatency = (
  change: (run: BenchResults['latency'][number]) => Partial<BenchResults['latency'][number]>,
) => ({
  ...RESULTS,
  latency: RESULTS.latency.map((run) => ({ ...run, ...change(run) })),
});

describe('the per-function section', () => {
  it('shows bundle, time to the first request, import alone, without NODE_OPTIONS, the code cache, and peak memory', () => {
    const section = benchFunctionsSection(RESULTS);

    expect(rows(section)[0]?.[2]).toBe(
      'to the first Secrets Manager request, median / p95 (over an empty Node connecting)',
    );
    expect(rows(section)[1]).toEqual([
      'random-value',
      '352 KB (111 KB)',
      '80.3 / 84.9 ms (+46 ms)',
      '77.4 / 91.8 ms (+46 ms)',
      '78.8 ms (+48 ms)',
      'rejected',
      '–',
      '96.1 ms (+65 ms; CommonJS 80 ms)',
      '80 MB',
    ]);
    expect(rows(section)[2]?.[1]).toBe('555 KB (166 KB); code cache 771 KB');
    expect(rows(section)[2]?.slice(5, 7)).toEqual(['accepted', '+78 ms / +70 ms']);
    expect(section).toContain(
      'Measured 2026-11-30 on 2 CPUs (AMD EPYC): cold starts on Node v24.22.3 (pinned runtime) started as Lambda ' +
        'starts it (`--expose-gc --max-semi-space-size=12`) with NODE_OPTIONS=`--enable-source-maps`, rotations on Node v20.20.2.',
    );
    expect(section).toContain('An empty Node process starts and exits in 31.3 ms (median; p95 37.3 ms)');
    expect(section).toContain('gets it there in 34.3 ms (p95 40.1 ms)');
  });

  it('refuses results without the module format comparison of a function', () => {
    expect(() =>
      benchFunctionsSection({ ...RESULTS, coldStarts: { ...RESULTS.coldStarts, moduleFormats: [] } }),
    ).toThrow('no module format comparison for random-value');
  });

  it('says when the functions are deployed without NODE_OPTIONS, and signs an import faster than empty Node', () => {
    const section = benchFunctionsSection({
      ...RESULTS,
      coldStarts: {
        ...RESULTS.coldStarts,
        nodeOptions: '',
        functions: RESULTS.coldStarts.functions.map((f) => ({
          ...f,
          withoutNodeOptions: { medianMs: 29, overheadMs: -2.3 },
        })),
      },
    });

    expect(section).toContain('with no NODE_OPTIONS, rotations on');
    expect(rows(section)[1]?.[4]).toBe('29 ms (-2 ms)');
  });

  it('names the function whose bundle or cold start is missing rather than rendering a hole', () => {
    expect(() => benchFunctionsSection({ ...RESULTS, bundles: [] })).toThrow(
      'bench/results.json: no bundle for random-value',
    );
    expect(() =>
      benchFunctionsSection({ ...RESULTS, coldStarts: { ...RESULTS.coldStarts, functions: [] } }),
    ).toThrow('bench/results.json: no cold start for random-value');
  });
});

describe('the rotation section', () => {
  it('shows each function in both call orders with its steps, round trips, calls, database work and ratio', () => {
    const table = rows(benchRotationSection(RESULTS));

    expect(table.slice(1)).toEqual([
      [
        'random-value',
        'read-ahead',
        '129 / 130 ms',
        '30 / 35',
        '30 / 36',
        '30 / 37',
        '30 / 38',
        '6',
        '10',
        '0',
        '0 (0)',
        '0',
        '0',
        '0.64',
      ],
      [
        'random-value',
        'sequential',
        '203 / 209 ms',
        '40 / 45',
        '40 / 46',
        '40 / 47',
        '40 / 48',
        '10',
        '10',
        '0',
        '0 (0)',
        '0',
        '0',
        '',
      ],
      [
        'postgres-single-user',
        'read-ahead',
        '164 / 171 ms',
        '30 / 35',
        '30 / 36',
        '30 / 37',
        '30 / 38',
        '6',
        '13',
        '3',
        '3 (1)',
        '3',
        '18',
        '0.67',
      ],
      [
        'postgres-single-user',
        'sequential',
        '245 / 260 ms',
        '60 / 65',
        '60 / 66',
        '60 / 67',
        '60 / 68',
        '11',
        '11',
        '2',
        '2 (0)',
        '3',
        '13',
        '',
      ],
    ]);
  });

  it('states the latency added to every Secrets Manager call, or that none was', () => {
    expect(benchRotationSection(RESULTS)).toContain(
      'Every Secrets Manager call of the functions held back 15 ms; 50 rotations per function and call order',
    );
    expect(benchRotationSection({ ...RESULTS, secretsManagerLatencyMs: 0 })).toContain(
      'Secrets Manager calls answered by the local stack with no added latency',
    );
  });

  it('shows a dash for a step that was not timed', () => {
    const { finishSecret: _f, ...threeSteps } = steps(30);
    const section = benchRotationSection(
      withLatency((run) => ({ orders: { ...run.orders, 'read-ahead': figures({ steps: threeSteps }) } })),
    );

    expect(rows(section)[1]?.[6]).toBe('–');
  });
});

describe('the calls and import sections', () => {
  it('breaks the default order calls down by operation, with the sequential order total beside', () => {
    expect(rows(benchCallsSection(RESULTS))).toEqual([
      [
        'function',
        '`DescribeSecret`',
        '`GetSecretValue`',
        '`PutSecretValue`',
        '`UpdateSecretVersionStage`',
        'total',
        'total, sequential',
      ],
      ['random-value', '4', '4', '1', '1', '10', '10'],
      ['postgres-single-user', '5', '6', '1', '1', '13', '11'],
    ]);
  });

  it('shows what each part costs to import alone and says the costs overlap', () => {
    const section = benchImportSection(RESULTS);

    expect(rows(section).slice(1)).toEqual([
      ['`@aws-sdk/client-secrets-manager`', 'cold start', '298 KB', '69.9 ms (+41 ms)'],
      ['`pg`', 'first login (Postgres functions)', '84 KB', '42.5 ms (+13 ms)'],
    ]);
    expect(section).toContain(
      'with NODE_OPTIONS=`--enable-source-maps`, against an empty Node process (31.3 ms)',
    );
    expect(section).toContain('so their costs overlap');
  });
});

describe('the fleet section', () => {
  it('shows the fleet runs in seconds with thousands grouped', () => {
    const section = benchFleetSection(RESULTS);

    expect(section).toContain('with reserved concurrency 10:');
    expect(rows(section).slice(1)).toEqual([
      ['100', '13.3 s', '7.5', '0', '3', '117 MB'],
      ['1,000', '98.7 s', '10.1', '0', '6', '137 MB'],
    ]);
  });
});

describe('the README headline', () => {
  it('states the time to the first request and the import over an empty Node, and both Postgres rotations', () => {
    const pair = {
      ...RESULTS,
      latency: [
        ...RESULTS.latency,
        {
          ...RESULTS.latency[1],
          function: 'postgres-alternating-users',
          orders: {
            ...RESULTS.latency[1]?.orders,
            'read-ahead': figures({ totalMs: { p50: 170, p95: 180 } }),
          },
        },
      ],
    } as BenchResults;

    expect(benchHeadlineSection(pair)).toBe(
      "On the Lambda runtime's Node (v24.22.3), a cold function's first Secrets Manager request is on the wire " +
        "46 to 54 ms after an empty Node's (median; importing it alone: 46 to 55 ms). With 15 ms per Secrets " +
        'Manager call, a single-user Postgres rotation takes 164 ms (p50) and an alternating-users one 170 ms. ' +
        'Measured 2026-11-30 by `npm run bench` ([benchmarks](docs/benchmarks.md)).',
    );
    expect(benchHeadlineSection(RESULTS)).not.toContain('alternating');
  });
});

describe('the targets', () => {
  it('lists the current targets, each judged from the figures', () => {
    const table = rows(benchTargetsSection(RESULTS));

    expect(table.slice(1).map((row) => row[0])).toEqual([
      'at most 6 sequential Secrets Manager round trips per rotation, every function',
      "rotation ≤ 50 % of the sequential call order's time with +15 ms per call, every function",
      'first Secrets Manager request ≤ 60 ms over an empty Node process connecting, every function (median)',
      'import alone ≤ 40 ms over an empty Node process, every function (median)',
      "alternating-users rotation p50 ≤ 1.05× single user's with +15 ms per call",
      '1,000 secrets in under 60 s',
    ]);
    expect(targets(RESULTS)).toEqual({
      'at most': ['random-value 6, postgres-single-user 6', 'met'],
      'rotation ≤': [
        'random-value 0.64, postgres-single-user 0.67',
        'not met by any function: six round trips of ~17 ms each are the floor of the call order ' +
          '(two in createSecret: read then write; two in finishSecret: DescribeSecret then the move), ' +
          'and the database logins cannot start before the values are read',
      ],
      'first Secrets': ['46 to 54 ms', 'met'],
      'import alone': ['46 to 55 ms', 'not met: the Secrets Manager client alone costs +41 ms to import'],
      'alternating-users rotation': ['not measured in this run', '–'],
      '1,000 secrets': [
        '98.7 s with a reserved concurrency of 10',
        'not met: on this 2-CPU machine the run is CPU-bound, every rotation doing TLS handshakes and SCRAM on both sides',
      ],
    });
  });

  it('names the function over the round-trip limit', () => {
    const over = withLatency((run) =>
      run.function === 'postgres-single-user'
        ? { orders: { ...run.orders, 'read-ahead': figures({ sequentialRoundTrips: 7 }) } }
        : {},
    );

    expect(targets(over)['at most']).toEqual([
      'random-value 6, postgres-single-user 7',
      'not met by postgres-single-user',
    ]);
  });

  it('meets the ratio target only when every function is at or under half, and names those over', () => {
    const half = withLatency(() => ({ ratio: 0.5 }));
    const one = withLatency((run) => ({ ratio: run.function === 'random-value' ? 0.5 : 0.51 }));

    expect(targets(half)['rotation ≤']?.[1]).toBe('met');
    expect(targets(one)['rotation ≤']?.[1]).toMatch(/^not met by postgres-single-user: six round trips/);
  });

  it('does not judge the ratio from a run with another added latency', () => {
    const fast = { ...withLatency(() => ({ ratio: 0.4 })), secretsManagerLatencyMs: 0 };

    expect(targets(fast)['rotation ≤']).toEqual([
      'random-value 0.4, postgres-single-user 0.4 (with +0 ms per call)',
      'not measured: this run added 0 ms per call',
    ]);
  });

  it('meets the cold-start target at 40 ms over empty Node, and needs the client breakdown only to say why not', () => {
    const at = (overheadMs: number, importBreakdown = RESULTS.coldStarts.importBreakdown) => ({
      ...RESULTS,
      coldStarts: {
        ...RESULTS.coldStarts,
        importBreakdown,
        functions: RESULTS.coldStarts.functions.map((f) => ({ ...f, overheadMs })),
      },
    });

    expect(targets(at(40, []))['import alone']).toEqual(['40 ms', 'met']);
    expect(targets(at(40.4))['import alone']?.[1]).toBe(
      'not met: the Secrets Manager client alone costs +41 ms to import',
    );
    expect(() => benchTargetsSection(at(41, []))).toThrow(
      'bench/results.json: no import breakdown for @aws-sdk/client-secrets-manager',
    );
  });

  it('meets the first-request target at 60 ms over an empty Node connecting, naming the functions over it', () => {
    const at = (overheadMs: (name: string) => number) => ({
      ...RESULTS,
      coldStarts: {
        ...RESULTS.coldStarts,
        functions: RESULTS.coldStarts.functions.map((f) => ({
          ...f,
          firstRequest: { ...f.firstRequest, overheadMs: overheadMs(f.name) },
        })),
      },
    });

    expect(targets(at(() => 60))['first Secrets']).toEqual(['60 ms', 'met']);
    expect(targets(at((name) => (name === 'random-value' ? 60.2 : 50)))['first Secrets']).toEqual([
      '50 to 60 ms',
      'not met by random-value',
    ]);
  });

  it('judges alternating users against single user from the same run, only at +15 ms per call', () => {
    const run = (fn: string, p50: number) => ({
      ...RESULTS.latency[1],
      function: fn,
      orders: { ...RESULTS.latency[1]?.orders, 'read-ahead': figures({ totalMs: { p50, p95: p50 + 10 } }) },
    });
    const pair = (single: number, alternating: number, latencyMs = 15) =>
      ({
        ...RESULTS,
        secretsManagerLatencyMs: latencyMs,
        latency: [run('postgres-single-user', single), run('postgres-alternating-users', alternating)],
      }) as BenchResults;

    expect(targets(pair(100, 105))['alternating-users rotation']).toEqual([
      '105 ms against 100 ms: 1.050×',
      'met',
    ]);
    expect(targets(pair(100, 106))['alternating-users rotation']?.[0]).toBe('106 ms against 100 ms: 1.060×');
    expect(targets(pair(100, 106))['alternating-users rotation']?.[1]).toMatch(
      /^not met: the master login is the one extra/,
    );
    expect(targets(pair(100, 100, 0))['alternating-users rotation']).toEqual([
      '100 ms against 100 ms: 1.000× (with +0 ms per call)',
      'not measured: this run added 0 ms per call',
    ]);
  });

  it('gives the ratio its 95% interval over paired rounds, and says when the target sits inside it', () => {
    const run = (fn: string, rounds: number[]) => {
      const sorted = [...rounds].sort((a, b) => a - b);
      const p50 = sorted[Math.ceil(sorted.length / 2) - 1] ?? 0;
      return {
        ...RESULTS.latency[1],
        function: fn,
        orders: {
          ...RESULTS.latency[1]?.orders,
          'read-ahead': figures({ totalMs: { p50, p95: p50 + 10 }, rotationTotalsMs: rounds }),
        },
      };
    };
    const pair = (single: number[], alternating: number[]) =>
      ({
        ...RESULTS,
        secretsManagerLatencyMs: 15,
        latency: [run('postgres-single-user', single), run('postgres-alternating-users', alternating)],
      }) as BenchResults;
    const single = Array.from({ length: 40 }, (_, i) => 100 + (i % 9));

    const verdict = (alternating: readonly (number | null)[], singles: readonly (number | null)[] = single) =>
      targets(pair(singles as number[], alternating as number[]))['alternating-users rotation'];

    const steady = verdict(single.map((ms) => ms + 3));
    expect(steady?.[0]).toMatch(
      /^106 ms against 103 ms: 1\.029× \(95% interval 1\.0\d\d–1\.0\d\d× over 40 paired rounds\)$/,
    );
    expect(steady?.[1]).toBe('met');

    const noisy = verdict(single.map((ms, i) => ms + 3 + (i % 2 === 0 ? 12 : -6)));
    expect(noisy?.[1]).toMatch(
      /^met at the p50, within this machine's noise: the 95% interval reaches 1\.\d{3}×$/,
    );

    const slower = verdict(single.map((ms, i) => ms + 7 + (i % 2 === 0 ? 12 : -6)));
    expect(slower?.[1]).toMatch(
      /^not met at the p50, within this machine's noise: the 95% interval reaches down to 1\.0[0-4]\d×; the master login/,
    );
    expect(verdict(single.map((ms) => ms + 12))?.[1]).toMatch(/^not met: the master login is the one extra/);

    // A round without a time on one side drops out as a pair; the others stay paired.
    const gap = verdict(
      single.map((ms) => ms + 3),
      single.map((ms, i) => (i === 3 ? null : ms)),
    );
    expect(gap?.[0]).toContain('over 39 paired rounds');
  });

  it('meets the fleet target once the run is fast enough and error-free, and says when it was not run', () => {
    const fleet = (runs: BenchResults['fleet']['runs']) => ({
      ...RESULTS,
      fleet: { reservedConcurrency: 10, runs },
    });
    const fast = {
      secrets: 1000,
      totalMs: 59_000,
      rotationsPerSecond: 17,
      errors: 0,
      peakDbConnections: 6,
      peakFunctionMemoryMb: 137,
    };

    expect(targets(fleet([fast]))['1,000 secrets']?.[1]).toBe('met');
    expect(targets(fleet([{ ...fast, errors: 1 }]))['1,000 secrets']?.[1]).toMatch(/^not met/);
    expect(targets(fleet(RESULTS.fleet.runs.filter((run) => run.secrets < 1000)))['1,000 secrets']).toEqual([
      'not measured in this run',
      '–',
    ]);
  });
});

describe('the sizing sentence', () => {
  it('sizes the functions from the largest memory and the slowest step of either call order', () => {
    expect(deploySizingSection(RESULTS)).toBe(
      'In the latest `npm run bench` (2026-11-30, [benchmarks](benchmarks.md)) peak RSS was 137 MB at most, ' +
        'even in the 1,000-secret fleet, and the slowest step took 68 ms at p95 ' +
        'with 15 ms added to every Secrets Manager call, in either call order.',
    );
  });
});
