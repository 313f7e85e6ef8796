/**
 * Measures the rotation functions as built: every demo rotation runs ROUNDS times on the local
 * stack (embedded Postgres, token service), then per function: step and rotation durations from
 * the rotation records, and peak memory and cold starts from the runtime's REPORT lines.
 *
 *   npm run build && npx tsx scripts/benchmark.ts [rounds]
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { demoRotations } from '../local/demo/demoRotations.js';
import { startLocalPostgres } from '../local/postgres/startLocalPostgres.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, startLocalStack } from '../local/stack/startLocalStack.js';
import { startTokenService } from '../local/token-service/startTokenService.js';

const rounds = Number(process.argv[2] ?? '10');
const lines: string[] = [];
const postgres = await startLocalPostgres({ port: 0 });
const tokenService = await startTokenService({ port: 0 });
const stack = await startLocalStack({
  port: 0,
  schedulerIntervalMs: 0,
  logSink: (line) => lines.push(line),
  functionEnvironment: () => ({ PG_CA_FILE: postgres.caFile }),
});
const client = new SecretsManagerClient({
  endpoint: stack.url,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const quiet = process.stdout.write.bind(process.stdout);
let failures = 0;
for (let round = 0; round < rounds; round++) {
  for (const demo of demoRotations({ stack, tokenService, postgres }).filter(
    (d) => d.name !== 'sample-application',
  )) {
    const result = await demo.run({
      client,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      waitForRotation: (arn, versionId, timeoutMs) => stack.runner.waitForRotation(arn, versionId, timeoutMs),
    });
    if (!result.verified) failures += 1;
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

const rows: string[] = [];
for (const name of ['random-value', 'api-token', 'postgres-single-user', 'postgres-alternating-users']) {
  const records = stack.runner
    .rotations()
    .filter((r) => r.functionArn.endsWith(`:function:${name}`) && r.kind === 'rotation');
  const rotationMs = records.map((r) => r.steps.reduce((sum, s) => sum + s.durationMs, 0));
  const steps = records.flatMap((r) => r.steps.map((s) => s.durationMs));
  const reports = lines.filter((l) => l.startsWith(`[${name}]`) && l.includes('REPORT RequestId'));
  const memory = reports.map((l) => Number(/Max Memory Used: (\d+) MB/.exec(l)?.[1] ?? 0));
  const cold = reports
    .filter((l) => l.includes('Cold Start: true'))
    .map((l) => Number(/Duration: (\d+) ms/.exec(l)?.[1] ?? 0));
  rows.push(
    `| ${name} | ${records.length} | ${percentile(steps, 50)} / ${percentile(steps, 95)} / ${Math.max(...steps)} | ` +
      `${percentile(rotationMs, 50)} / ${percentile(rotationMs, 95)} | ${Math.max(...cold, 0)} | ${Math.max(...memory)} |`,
  );
}

quiet(
  [
    '',
    `Rotations per function on the local stack (${rounds} rounds, Node ${process.versions.node}, ${failures} unverified):`,
    '',
    '| function | rotations | step ms p50 / p95 / max | rotation ms p50 / p95 | slowest cold step ms | max memory MB |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
client.destroy();
await tokenService.close();
await stack.close();
await postgres.close();
process.exit(failures === 0 ? 0 : 1);
