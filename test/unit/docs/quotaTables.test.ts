import { describe, expect, it } from 'vitest';
import { type QuotaReport, quotaFleetSection } from '../../../scripts/docs/quotaTables.js';

const REPORT: QuotaReport = {
  measuredAt: '2026-11-30T01:51:03.524Z',
  machine: { node: '24.22.3', cpus: 2 },
  run: {
    secrets: 1000,
    reservedConcurrency: 10,
    fleetMs: 44_992,
    rotationsPerSecond: 22.2,
    failedRotations: 0,
    rotationsRetriedByRunner: 0,
    throttledCalls: { PutSecretValue: 182, UpdateSecretVersionStage: 200 },
    functionRetries: 382,
    driverRetries: 21,
  },
};

describe('the fleet under request quotas', () => {
  it('says how long it took, what failed, who retried and what was throttled', () => {
    const section = quotaFleetSection(REPORT);

    expect(section).toContain(
      '1,000 single-user Postgres secrets rotated at once on a stack with `--quotas aws`',
    );
    expect(section).toContain(
      '| 1,000 | 45 s | 22.2 | 0 | 0 | PutSecretValue 182, UpdateSecretVersionStage 200 |',
    );
  });

  it('says none when nothing was throttled', () => {
    expect(quotaFleetSection({ ...REPORT, run: { ...REPORT.run, throttledCalls: {} } })).toContain(
      '| none |',
    );
  });
});
