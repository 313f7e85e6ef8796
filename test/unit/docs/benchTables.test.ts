import { describe, expect, it } from 'vitest';
import {
  type BenchResults,
  benchCallsSection,
  benchFleetSection,
  benchFunctionsSection,
  benchTargetsSection,
  deploySizingSection,
} from '../../../scripts/docs/benchTables.js';

const steps = (ms: number) => ({
  createSecret: { p50: ms, p95: ms + 5 },
  setSecret: { p50: ms, p95: ms + 6 },
  testSecret: { p50: ms, p95: ms + 7 },
  finishSecret: { p50: ms, p95: ms + 8 },
});

const RESULTS: BenchResults = {
  measuredAt: '2026-11-25T20:10:19.454Z',
  machine: { node: '20.20.2', cpus: 2, cpuModel: 'AMD EPYC' },
  bundles: [
    { name: 'postgres-single-user', bytes: 536644, gzipBytes: 157085 },
    { name: 'random-value', bytes: 339751, gzipBytes: 107497 },
  ],
  coldStarts: {
    node: { version: 'v24.22.3', source: 'the pinned runtime' },
    baseline: { medianMs: 62.7, p95Ms: 68 },
    functions: [
      { name: 'postgres-single-user', medianMs: 200, p95Ms: 207.8, overheadMs: 137.3, ratio: 3.19 },
      { name: 'random-value', medianMs: 143.8, p95Ms: 152.4, overheadMs: 81.1, ratio: 2.3 },
    ],
  },
  latency: [
    {
      function: 'random-value',
      peakMemoryMb: 84,
      rotations: 50,
      totalMs: { p50: 22, p95: 37 },
      steps: steps(4),
      secretsManagerCallsPerRotation: 10,
      secretsManagerCalls: {
        DescribeSecret: 4,
        GetSecretValue: 4,
        PutSecretValue: 1,
        UpdateSecretVersionStage: 1,
      },
      sqlStatementsPerRotation: 0,
      dbConnectionsPerRotation: 0,
    },
    {
      function: 'postgres-single-user',
      peakMemoryMb: 104,
      rotations: 50,
      totalMs: { p50: 111, p95: 126 },
      steps: steps(50),
      secretsManagerCallsPerRotation: 11,
      secretsManagerCalls: {
        DescribeSecret: 4,
        GetSecretValue: 5,
        PutSecretValue: 1,
        UpdateSecretVersionStage: 1,
      },
      sqlStatementsPerRotation: 3,
      dbConnectionsPerRotation: 2,
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
    .map((line) => line.slice(2, -2).split(' | '));

describe('the benchmark sections', () => {
  it('shows each function with bundle, cold start, latency per step, calls, database work and memory', () => {
    const section = benchFunctionsSection(RESULTS);

    expect(rows(section)[1]).toEqual([
      'random-value',
      '332 KB (105 KB)',
      '143.8 / 152.4 ms (+81 ms, ×2.3)',
      '22 / 37 ms',
      '4 / 9',
      '4 / 10',
      '4 / 11',
      '4 / 12',
      '10',
      '0 / 0',
      '84 MB',
    ]);
    expect(section).toContain(
      'Measured 2026-11-25 on 2 CPUs (AMD EPYC), rotations on Node v20.20.2, cold starts on Node v24.22.3.',
    );
    expect(section).toContain('An empty Node process starts in 62.7 ms (median; p95 68 ms)');
    expect(section).toContain('Rotations: 50 per function');
  });

  it('says cold starts ran on the machine Node when the file does not record another', () => {
    const { node: _node, ...coldStarts } = RESULTS.coldStarts;

    expect(benchFunctionsSection({ ...RESULTS, coldStarts })).toContain('cold starts on Node v20.20.2.');
  });

  it('names the function whose bundle is missing rather than rendering a hole', () => {
    expect(() => benchFunctionsSection({ ...RESULTS, bundles: [] })).toThrow(
      'bench/results.json: no bundle for random-value',
    );
  });

  it('shows the fleet runs in seconds with thousands grouped', () => {
    const section = benchFleetSection(RESULTS);

    expect(section).toContain('with reserved concurrency 10:');
    expect(rows(section).slice(1)).toEqual([
      ['100', '13.3 s', '7.5', '0', '3', '117 MB'],
      ['1,000', '98.7 s', '10.1', '0', '6', '137 MB'],
    ]);
  });

  it('breaks Secrets Manager calls down by operation', () => {
    expect(rows(benchCallsSection(RESULTS))).toEqual([
      [
        'function',
        '`DescribeSecret`',
        '`GetSecretValue`',
        '`PutSecretValue`',
        '`UpdateSecretVersionStage`',
        'total',
      ],
      ['random-value', '4', '4', '1', '1', '10'],
      ['postgres-single-user', '4', '5', '1', '1', '11'],
    ]);
  });

  it('judges each target from the figures, with the reason when one is missed', () => {
    const verdicts = rows(benchTargetsSection(RESULTS)).slice(1);

    expect(verdicts.map((row) => [row[1], row[2]?.split(':')[0]])).toEqual([
      ['postgres-single-user 111 ms', 'met'],
      ['81 to 137 ms', 'not met'],
      ['random-value 10, postgres-single-user 11', 'met by random-value only'],
      ['98.7 s with a reserved concurrency of 10', 'not met'],
    ]);
    expect(verdicts[3]?.[2]).toContain('on this 2-CPU machine the run is CPU-bound');
  });

  it('meets the fleet target once the run is fast enough, and says when it was not run', () => {
    const fast = {
      ...RESULTS,
      fleet: { reservedConcurrency: 10, runs: [{ ...RESULTS.fleet.runs[1], totalMs: 59_000 }] },
    };
    const small = { ...RESULTS, fleet: { reservedConcurrency: 10, runs: [RESULTS.fleet.runs[0]] } };

    expect(rows(benchTargetsSection(fast as BenchResults))[4]?.[2]).toBe('met');
    expect(rows(benchTargetsSection(small as BenchResults))[4]?.[1]).toBe('not measured in this run');
  });

  it('sizes the functions from the largest memory and the slowest step of the run', () => {
    expect(deploySizingSection(RESULTS)).toBe(
      'In the latest `npm run bench` (2026-11-25, [benchmarks](benchmarks.md)) peak RSS was 137 MB at most, ' +
        'even in the 1,000-secret fleet, and the slowest step took 58 ms at p95.',
    );
  });
});
