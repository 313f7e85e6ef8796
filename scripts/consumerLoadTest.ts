/**
 * Proves the consumer library under load: a simulated application keeps requests flowing through
 * Postgres pools and token-authenticated calls while every kind of rotation runs repeatedly, once
 * with the library and once with the common baseline. Writes bench/consumer.json; exits non-zero
 * if the library saw any failed request or any secret value reached the logs.
 *
 *   npm run test:consumer [-- --rotations 20 --rate 150 --max-age 2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ConsumerLoadResult, runConsumerLoad } from '../testing/consumer/runConsumerLoad.js';
import { assertNoSecretLeaks } from '../testing/leaks/assertNoSecretLeaks.js';
import { sensitiveStrings } from '../testing/leaks/sensitiveStrings.js';
import { startLocalEnvironment } from '../testing/stack/startLocalEnvironment.js';

const { values } = parseArgs({
  options: {
    rotations: { type: 'string', default: '20' },
    rate: { type: 'string', default: '150' },
    'max-age': { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench/consumer.json' },
  },
});
const rotations = Number(values.rotations);
const rate = Number(values.rate);
const maxAge = Number(values['max-age']);

const log: string[] = [];
const local = await startLocalEnvironment({
  retry: { maxAttempts: 3, baseDelayMs: 50 },
  logSink: (line) => log.push(line),
});
const { stack, postgres, tokens } = local;

const results: ConsumerLoadResult[] = [];
try {
  for (const variant of ['library', 'baseline'] as const) {
    process.stderr.write(`${variant}: ${rotations} rotations of each kind at ${rate} requests/s…\n`);
    results.push(
      await runConsumerLoad({
        variant,
        stack,
        postgres,
        tokens,
        rotations,
        requestsPerSecond: rate,
        maxAgeSeconds: maxAge,
        prefix: `load_${variant}`,
      }),
    );
  }
} finally {
  await local.close();
}

const secrets = results.flatMap((r) => r.storedValues.flatMap((v) => sensitiveStrings(v)));
assertNoSecretLeaks(log.join('\n'), secrets);

const lag = (ms: number | null) => (ms === null ? 'never' : `${ms} ms`);
const rows = results.map(
  (r) =>
    `| ${r.variant} | ${r.requests} (${r.requestsPerSecond}/s) | ${r.failedRequests} | ${r.secretsManagerCalls} | ` +
    `${lag(r.maxLagAfterFinishMs['postgres-single-user'])} / ${lag(r.maxLagAfterFinishMs['postgres-alternating-users'])} / ${lag(r.maxLagAfterFinishMs['api-token'])} |`,
);
process.stdout.write(
  [
    '',
    `${rotations} rotations of each kind (Postgres single user, alternating users, API token), Powertools maxAge ${maxAge} s:`,
    '',
    '| application | requests | failed | Secrets Manager calls | longest finishSecret → new value used (single / alternating / token) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...results
      .filter((r) => r.firstErrors.length > 0)
      .map((r) => `${r.variant} first errors: ${r.firstErrors.join('; ')}`),
    '',
  ].join('\n'),
);
mkdirSync('bench', { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: process.versions.node,
      rotationsPerKind: rotations,
      targetRequestsPerSecond: rate,
      maxAgeSeconds: maxAge,
      results: results.map(({ storedValues: _values, ...r }) => r),
    },
    null,
    2,
  )}\n`,
);
const library = results.find((r) => r.variant === 'library');
process.exit(library !== undefined && library.failedRequests === 0 ? 0 : 1);
