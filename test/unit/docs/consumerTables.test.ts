import { describe, expect, it } from 'vitest';
import { type ConsumerReport, consumerLoadSection } from '../../../scripts/docs/consumerTables.js';

const REPORT: ConsumerReport = {
  measuredAt: '2026-11-25T19:48:05.727Z',
  node: '20.20.2',
  rotationsPerKind: 20,
  targetRequestsPerSecond: 150,
  maxAgeSeconds: 2,
  results: [
    {
      variant: 'library',
      requests: 10335,
      failedRequests: 0,
      failuresByKind: { 'postgres-single-user': 0, 'postgres-alternating-users': 0, 'api-token': 0 },
      secretsManagerCalls: 117,
      maxLagAfterFinishMs: {
        'postgres-single-user': 972,
        'postgres-alternating-users': 1968,
        'api-token': 1994,
      },
    },
    {
      variant: 'baseline',
      requests: 10814,
      failedRequests: 1664,
      failuresByKind: { 'postgres-single-user': 390, 'postgres-alternating-users': 1274, 'api-token': 0 },
      secretsManagerCalls: 130,
      maxLagAfterFinishMs: { 'postgres-single-user': 1893, 'postgres-alternating-users': 2209 },
    },
  ],
};

describe('the consumer load section', () => {
  it('shows each application with its requests, failures, calls and the time to use a new value', () => {
    const section = consumerLoadSection(REPORT);

    expect(section).toContain(
      'Latest run (2026-11-25, Node v20.20.2): 20 rotations of each kind, `maxAge` 2 s, 150 requests/s.',
    );
    expect(section).toContain('| with the library | 10,335 | **0** | 117 | 972 ms / 1,968 ms / 1,994 ms |');
    // A kind the file has no figure for shows as a dash, not as zero.
    expect(section).toContain(
      '| baseline (Powertools `maxAge` + `pg`) | 10,814 | 1,664 | 130 | 1,893 ms / 2,209 ms / – |',
    );
  });

  it('breaks the failures down by kind of rotation', () => {
    expect(consumerLoadSection(REPORT)).toContain(
      '| baseline (Powertools `maxAge` + `pg`) | 390 | 1,274 | 0 |',
    );
  });
});
