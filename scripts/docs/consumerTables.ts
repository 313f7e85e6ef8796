import { formatCount, formatDay, formatNodeVersion } from './formatCount.js';
import { markdownTable } from './markdownTable.js';

const KINDS = ['postgres-single-user', 'postgres-alternating-users', 'api-token'] as const;

/** bench/consumer.json, as `npm run test:consumer` writes it. */
export interface ConsumerReport {
  readonly measuredAt: string;
  readonly node: string;
  readonly rotationsPerKind: number;
  readonly targetRequestsPerSecond: number;
  readonly maxAgeSeconds: number;
  readonly results: ReadonlyArray<{
    readonly variant: string;
    readonly requests: number;
    readonly failedRequests: number;
    readonly failuresByKind: Readonly<Record<string, number>>;
    readonly secretsManagerCalls: number;
    readonly maxLagAfterFinishMs: Readonly<Record<string, number>>;
  }>;
}

const VARIANTS: Readonly<Record<string, string>> = {
  library: 'with the library',
  baseline: 'baseline (Powertools `maxAge` + `pg`)',
};

const perKind = (figures: Readonly<Record<string, number>>, unit: string) =>
  KINDS.map((kind) => {
    const value = figures[kind];
    return value === undefined ? '–' : `${formatCount(value)}${unit}`;
  }).join(' / ');

/** The load test's run: requests, failures (also by kind), calls, and how soon a new value was used. */
export function consumerLoadSection(report: ConsumerReport): string {
  const variant = (name: string) => VARIANTS[name] ?? name;
  return [
    `Latest run (${formatDay(report.measuredAt)}, Node ${formatNodeVersion(report.node)}): ${report.rotationsPerKind} rotations of each kind, ` +
      `\`maxAge\` ${report.maxAgeSeconds} s, ${report.targetRequestsPerSecond} requests/s.`,
    '',
    markdownTable(
      [
        'application',
        'requests',
        'failed requests',
        'Secrets Manager calls',
        'longest `finishSecret` → new value in use (single / alternating / token)',
      ],
      report.results.map((run) => [
        variant(run.variant),
        formatCount(run.requests),
        run.variant === 'library'
          ? `**${formatCount(run.failedRequests)}**`
          : formatCount(run.failedRequests),
        formatCount(run.secretsManagerCalls),
        perKind(run.maxLagAfterFinishMs, ' ms'),
      ]),
    ),
    '',
    'Failed requests by kind of rotation:',
    '',
    markdownTable(
      ['application', 'single user', 'alternating users', 'API token'],
      report.results.map((run) => [
        variant(run.variant),
        ...KINDS.map((kind) => formatCount(run.failuresByKind[kind] ?? 0)),
      ]),
    ),
  ].join('\n');
}
