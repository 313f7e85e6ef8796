import { formatCount } from './formatCount.js';
import { markdownTable } from './markdownTable.js';

/** bench/quotas.json, as `npm run bench -- --fleet-under-quotas N` writes it. */
export interface QuotaReport {
  readonly measuredAt: string;
  readonly machine: { readonly node: string; readonly cpus: number };
  readonly run: {
    readonly secrets: number;
    readonly reservedConcurrency: number;
    readonly fleetMs: number;
    readonly rotationsPerSecond: number;
    readonly failedRotations: number;
    readonly rotationsRetriedByRunner: number;
    readonly throttledCalls: Readonly<Record<string, number>>;
    readonly functionRetries: number;
    readonly driverRetries: number;
  };
}

/** The fleet under AWS's request quotas: how long, what was throttled, and who retried. */
export function quotaFleetSection(report: QuotaReport): string {
  const run = report.run;
  const throttled = Object.entries(run.throttledCalls)
    .map(([operation, count]) => `${operation} ${formatCount(count)}`)
    .join(', ');
  return [
    `${formatCount(run.secrets)} single-user Postgres secrets rotated at once on a stack with \`--quotas aws\`, ` +
      `reserved concurrency ${run.reservedConcurrency}, ${report.machine.cpus} CPUs, Node ${report.machine.node} ` +
      `(${report.measuredAt.slice(0, 10)}):`,
    '',
    markdownTable(
      [
        'secrets',
        'total',
        'rotations/s',
        'failed rotations',
        'rotations the runner retried',
        'throttled calls',
      ],
      [
        [
          formatCount(run.secrets),
          `${Math.round(run.fleetMs / 100) / 10} s`,
          run.rotationsPerSecond,
          run.failedRotations,
          run.rotationsRetriedByRunner,
          throttled === '' ? 'none' : throttled,
        ],
      ],
    ),
  ].join('\n');
}
