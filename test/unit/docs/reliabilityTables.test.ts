import { describe, expect, it } from 'vitest';
import {
  describeCall,
  type FaultMatrixLane,
  faultMatrixSection,
  faultPointsSection,
  type ReliabilityReport,
  reliabilityRunSection,
  reliabilitySuiteSection,
} from '../../../scripts/docs/reliabilityTables.js';

const kind = (tried: number, maxAttempts = 2) => ({
  tried,
  reached: tried,
  converged: tried,
  violations: 0,
  maxAttempts,
});

const LANE: FaultMatrixLane = {
  function: 'random-value',
  injectionPoints: 10,
  callsByService: { secretsmanager: 10 },
  calls: [
    'secretsmanager DescribeSecret',
    'secretsmanager GetSecretValue',
    'secretsmanager GetSecretValue',
    'secretsmanager PutSecretValue',
    'secretsmanager DescribeSecret',
    'secretsmanager GetSecretValue',
    'secretsmanager DescribeSecret',
    'secretsmanager GetSecretValue',
    'secretsmanager DescribeSecret',
    'secretsmanager UpdateSecretVersionStage',
  ],
  byKind: { error: kind(10), 'kill-before': kind(10), delay: kind(10, 1) },
  trials: 30,
  invariantChecks: 1541,
  converged: 30,
  violations: 0,
  durationMs: 33926,
};

const POSTGRES_LANE: FaultMatrixLane = {
  ...LANE,
  function: 'postgres-single-user',
  injectionPoints: 8,
  callsByService: { secretsmanager: 5, postgres: 3 },
  calls: [
    'secretsmanager DescribeSecret',
    'secretsmanager PutSecretValue',
    'secretsmanager DescribeSecret',
    'postgres connect',
    'postgres ALTER ROLE',
    'secretsmanager DescribeSecret',
    'postgres SELECT',
    'secretsmanager DescribeSecret',
  ],
  byKind: { error: kind(8), 'kill-before': kind(8) },
  trials: 16,
  invariantChecks: 100,
  converged: 16,
  durationMs: 212_234,
};

const REPORT: ReliabilityReport = {
  measuredAt: '2026-11-26T02:53:28.540Z',
  machine: { cpus: 2, node: 'v20.20.2' },
  passed: true,
  seconds: 293,
  sections: {
    'fault-matrix': [LANE, POSTGRES_LANE],
    races: [
      {
        scenario: 'api-token: every step twice at once',
        losers: 2,
        errorNames: ['SecretsManagerCallError', 'PendingValueConflictError'],
        lockouts: 0,
      },
      {
        scenario: 'random-value: every step twice at once',
        losers: 2,
        errorNames: ['PendingValueConflictError'],
        lockouts: 0,
      },
      {
        scenario: 'two RotateSecret calls at once',
        losers: 1,
        errorNames: ['InvalidRequestException'],
        lockouts: 0,
      },
    ],
    crowd: [
      { secrets: 200, rotated: 200, loggingIn: 200, peakSessions: 3, reservedConcurrency: 10, seconds: 26 },
    ],
    stalls: [
      {
        function: 'random-value',
        call: 'secretsmanager PutSecretValue',
        failedWith: [],
        slowestStepMs: 2158,
        attempts: 1,
      },
      {
        function: 'postgres-single-user',
        call: 'postgres connect',
        failedWith: ['PostgresConnectionError'],
        slowestStepMs: 3380,
        attempts: 2,
      },
    ],
    'endpoint-load': [
      {
        sent: 10000,
        answered: 9956,
        writers: 8,
        servedBeforeKill: 472,
        acknowledgedVersionsChecked: 242,
        acknowledgedTagsChecked: 40,
        missing: 0,
      },
    ],
    'bad-input': [
      {
        events: 47,
        secretValues: 93,
        held: 140,
        errorNames: ['InvalidRotationEventError', 'TokenSecretError'],
      },
    ],
  },
  leakCheck: { logLines: 47573, megabytes: 8.7, secretValues: 2851, leaks: 0 },
};

const rows = (markdown: string) =>
  markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .map((line) => line.slice(2, -2).split(' | '));

describe('the reliability sections', () => {
  it('says when, on what and how long the suite ran', () => {
    expect(reliabilityRunSection(REPORT)).toBe(
      'Measured 2026-11-26 on 2 CPUs, Node v20.20.2: the whole suite passed in 293 s (about 5 minutes).',
    );
  });

  it('shows converged / tried per fault kind, with a dash for a kind a function was not tried with', () => {
    const section = faultMatrixSection(REPORT);

    expect(rows(section)).toEqual([
      ['function', 'injection points', 'error', 'kill-before', 'delay', 'violations'],
      ['`random-value`', '10 (10 Secrets Manager)', '10/10', '10/10', '10/10', '0'],
      ['`postgres-single-user`', '8 (5 Secrets Manager, 3 Postgres)', '8/8', '8/8', '–', '0'],
    ]);
    expect(section).toContain('46 faulted rotations, 46 converged, 1,641 invariant checks, 0 violations.');
    expect(section).toContain('46 of 46 faults were reached, no rotation needed more than 2 attempts');
    expect(section).toContain("the slowest function's lane took 3.5 minutes");
    const oneMinute = faultMatrixSection({
      ...REPORT,
      sections: { ...REPORT.sections, 'fault-matrix': [{ ...LANE, durationMs: 60_400 }] },
    });
    expect(oneMinute).toContain("the slowest function's lane took 1 minute (the lanes");
  });

  it('splits each function’s calls into its four steps, folding repeats', () => {
    expect(rows(faultPointsSection(REPORT))).toEqual([
      ['function', 'createSecret', 'setSecret', 'testSecret', 'finishSecret'],
      [
        '`random-value`',
        'DescribeSecret, GetSecretValue ×2, PutSecretValue',
        'DescribeSecret, GetSecretValue',
        'DescribeSecret, GetSecretValue',
        'DescribeSecret, UpdateSecretVersionStage',
      ],
      [
        '`postgres-single-user`',
        'DescribeSecret, PutSecretValue',
        'DescribeSecret, Postgres login, `ALTER ROLE`',
        'DescribeSecret, `SELECT`',
        'DescribeSecret',
      ],
    ]);
  });

  it('splits calls by the step that made them when the run recorded it (a master read inside setSecret)', () => {
    const callsByStep = [
      { step: 'createSecret', calls: ['secretsmanager DescribeSecret', 'secretsmanager PutSecretValue'] },
      {
        step: 'setSecret',
        calls: ['secretsmanager DescribeSecret', 'secretsmanager DescribeSecret', 'postgres connect'],
      },
      { step: 'testSecret', calls: ['secretsmanager DescribeSecret'] },
      {
        step: 'finishSecret',
        calls: ['secretsmanager DescribeSecret', 'secretsmanager UpdateSecretVersionStage'],
      },
    ];
    const report = {
      ...REPORT,
      sections: {
        ...REPORT.sections,
        'fault-matrix': [{ ...LANE, calls: callsByStep.flatMap((s) => s.calls), callsByStep }],
      },
    };

    expect(rows(faultPointsSection(report))[1]?.[2]).toBe('DescribeSecret ×2, Postgres login');
  });

  it('refuses a recorded rotation that does not make four steps', () => {
    const report = {
      ...REPORT,
      sections: { ...REPORT.sections, 'fault-matrix': [{ ...LANE, calls: LANE.calls.slice(0, 4) }] },
    };

    expect(() => faultPointsSection(report)).toThrow("random-value's calls make 1 steps, not 4");
  });

  it('names calls by service where they stand alone', () => {
    expect(describeCall('secretsmanager PutSecretValue')).toBe('PutSecretValue');
    expect(describeCall('secretsmanager PutSecretValue', true)).toBe('Secrets Manager `PutSecretValue`');
    expect(describeCall('postgres connect')).toBe('Postgres login');
    expect(describeCall('provider POST /v1/tokens')).toBe('provider `POST /v1/tokens`');
  });

  it('shows stalls, races, the crowd, bad input, the endpoint under load and the leak check', () => {
    const measured = Object.fromEntries(rows(reliabilitySuiteSection(REPORT)).map((row) => [row[0], row[2]]));

    expect(measured['stalled services']).toBe(
      "the slowest step ends after 2.2 to 3.4 s, in the client's own timeout (`PostgresConnectionError` or the client's retry), " +
        'and each rotation converges in at most 2 attempts',
    );
    expect(measured['races']).toBe(
      'each converges; losers get `PendingValueConflictError` or `SecretsManagerCallError`; no lockout',
    );
    expect(measured['`RotateSecret` race']).toBe(
      'one rotation runs, the other gets `InvalidRequestException`',
    );
    expect(measured['crowd']).toBe('200 rotated, 200 log in, at most 3 database sessions at once, 26 s');
    expect(measured['bad input (`test/reliability/corpus/`)']).toBe(
      '140 cases (47 events, 93 values): each a named error (`InvalidRotationEventError` or `TokenSecretError`), no version changed, no outside call',
    );
    expect(measured['endpoint under load']).toContain(
      '9,956 answered; all 242 acknowledged versions and 40 acknowledged tag writes',
    );
    expect(measured['leak check']).toBe('47,573 lines (8.7 MB), 2,851 secret values: 0 found');
  });

  it('shows Postgres restarts, consumer bridging and the chaos soak when the run measured them', () => {
    const measured = Object.fromEntries(
      rows(
        reliabilitySuiteSection({
          ...REPORT,
          sections: {
            ...REPORT.sections,
            'postgres-restart': [
              {
                function: 'postgres-single-user',
                step: 'setSecret',
                downMs: 1500,
                convergedAfterRestartMs: 838,
                longestWindowMs: 771,
                violations: 0,
              },
              {
                function: 'postgres-alternating-users',
                step: 'testSecret',
                downMs: 1500,
                convergedAfterRestartMs: 899,
                longestWindowMs: 0,
                violations: 0,
              },
            ],
            'consumer-bridging': [{ windows: 30, queries: 7650, failed: 0 }],
            'chaos-soak': [
              {
                seed: 7,
                faultRate: 0.04,
                chaosSeconds: 40,
                secrets: 11,
                rotationsStarted: 246,
                rotationsCompleted: 246,
                faultsInjected: 246,
                faultsOnClientRetries: 68,
                kills: 52,
                failedRuns: 35,
                reattempts: 37,
                resumes: 1,
                longestSingleUserWindowMs: 4151,
                healedAfterMs: 1280,
                requests: 926,
                failedRequests: 0,
                violations: 0,
              },
            ],
          },
        }),
      ).map((row) => [row[0], row[2]]),
    );

    expect(measured['Postgres restarts']).toBe(
      'every rotation converges (at most 899 ms after the restart, through a reattempt); longest single-user window 771 ms; 0 violations',
    );
    expect(measured['consumer bridging']).toBe('7,650 queries, 0 failed');
    expect(measured['chaos soak']).toContain(
      '246/246 rotations completed; 246 faults (68 on a retry), 52 kills',
    );
    expect(measured['chaos soak']).toContain('926 requests, 0 failed; 0 violations');
  });

  it('says how many inputs were not held, rather than "each"', () => {
    const bad = [{ events: 47, secretValues: 93, held: 139, errorNames: ['TokenSecretError'] }];
    const section = reliabilitySuiteSection({
      ...REPORT,
      sections: { ...REPORT.sections, 'bad-input': bad },
    });

    expect(section).toContain('140 cases (47 events, 93 values): 139 of them a named error');
  });

  it('names the section a report lacks', () => {
    const { stalls: _stalls, ...sections } = REPORT.sections;

    expect(() => reliabilitySuiteSection({ ...REPORT, sections })).toThrow(
      'bench/reliability.json: no figures in section stalls',
    );
  });
});
