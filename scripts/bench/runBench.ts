/**
 * What users of the rotation functions pay for, measured on this machine: bundle sizes, cold
 * starts against an empty Node process, rotation latency per step, Secrets Manager calls and
 * database round trips per rotation, and a fleet of secrets rotated with bounded concurrency.
 * Writes bench/results.json and bench/fleet.svg and prints a summary.
 *
 *   npm run bench [-- --rotations 50 --fleet 100,300,1000 --cold-starts 20]
 *   npm run bench -- --fleet-under-quotas 1000
 *
 * `--fleet-under-quotas N` measures only a fleet of N secrets rotated on a stack that throttles at
 * AWS's request-rate quotas (fleet time, failed rotations, throttled calls and retries) and writes
 * bench/quotas.json.
 *
 * Cold starts are timed on the production runtime's Node when it is installed (resolveBenchNode.ts);
 * BENCH_NODE=/path/to/node picks another.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { seedConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/stack/startLocalStack.js';
import { startLocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';
import { createFleetSecrets } from './createFleetSecrets.js';
import { type FleetSeries, fleetChart } from './fleetChart.js';
import { measureFleetUnderQuotas } from './fleetUnderQuotas.js';
import { measureBundleSizes, measureColdStarts, percentile } from './measureBundles.js';
import { resolveBenchNode } from './resolveBenchNode.js';

const { values } = parseArgs({
  options: {
    rotations: { type: 'string', default: '50' },
    fleet: { type: 'string', default: '100,300,1000' },
    'cold-starts': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '10' },
    'fleet-under-quotas': { type: 'string' },
  },
});
const rotations = Number(values.rotations);
const fleetSizes = values.fleet.split(',').map(Number);
const concurrency = Number(values.concurrency);
const say = (text: string) => process.stderr.write(`${text}\n`);
const round = (n: number) => Math.round(n * 10) / 10;

if (values['fleet-under-quotas'] !== undefined) {
  const run = await measureFleetUnderQuotas({
    size: Number(values['fleet-under-quotas']),
    concurrency: Number(values.concurrency),
    say: (text) => process.stderr.write(`${text}\n`),
  });
  mkdirSync('bench', { recursive: true });
  const measured = {
    measuredAt: new Date().toISOString(),
    machine: { node: process.versions.node, cpus: cpus().length },
    run,
  };
  writeFileSync('bench/quotas.json', `${JSON.stringify(measured, null, 2)}\n`);
  const reasons = Object.entries(run.runnerRetryReasons).map(([why, n]) => `${why} ${n}`);
  const throttled =
    Object.entries(run.throttledCalls)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ') || 'none';
  process.stdout.write(
    [
      '',
      '| secrets under AWS quotas | fleet s | rotations/s | failed rotations | throttled function calls | benchmark retries |',
      '| --- | --- | --- | --- | --- | --- |',
      `| ${run.secrets} | ${Math.round(run.fleetMs / 100) / 10} | ${run.rotationsPerSecond} | ${run.failedRotations} | ${run.functionRetries} | ${run.driverRetries} |`,
      '',
      `throttled calls: ${throttled}; rotations restarted by the runner: ${run.rotationsRetriedByRunner}` +
        ` (${reasons.join(', ') || 'none'})`,
      '',
      'Wrote bench/quotas.json',
      '',
    ].join('\n'),
  );
  process.exit(run.failedRotations === 0 ? 0 : 1);
}

const coldStartNode = resolveBenchNode(process.env);
say(`bundle sizes and cold starts on Node ${coldStartNode.version} (${coldStartNode.source})…`);
if (coldStartNode.source === 'this process') {
  say(
    '  not the production runtime: bash scripts/ci/install-lambda-node.sh installs it, BENCH_NODE picks a node',
  );
}
const bundles = measureBundleSizes('dist');
const coldStarts = await measureColdStarts('dist', {
  runs: Number(values['cold-starts']),
  node: coldStartNode.path,
});

const log: string[] = [];
const operations: string[] = [];
const local = await startLocalEnvironment({
  reservedConcurrency: concurrency,
  logSink: (line) => log.push(line),
  onRequest: (operation) => operations.push(operation),
});
const { stack, postgres, tokens } = local;
const client = new SecretsManagerClient({
  endpoint: stack.url,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
});
const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;

async function rotate(secretArn: string, functionName: string): Promise<string> {
  const out = await client.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: functionArn(functionName),
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  await stack.runner.waitForRotation(secretArn, out.VersionId ?? '', 120_000);
  return out.VersionId ?? '';
}

const statementLines = () => postgres.serverLog().split('\n');
const countDb = (lines: readonly string[]) => ({
  statements: lines.filter((l) => /LOG:\s+(statement|execute [^:]*):/.test(l)).length,
  connections: lines.filter((l) => /connection authorized/.test(l)).length,
});

try {
  say(`rotation latency: ${rotations} rotations per function…`);
  const seeded = await seedConsumerSecrets(client, postgres, tokens, 'bench');
  const randomArn =
    (
      await client.send(
        new CreateSecretCommand({
          Name: '/services/bench/random',
          SecretString: JSON.stringify({ password: 'bench-initial-value-0001' }),
        }),
      )
    ).ARN ?? '';
  const subjects = [
    { name: 'random-value', arn: randomArn },
    { name: 'api-token', arn: seeded.token },
    { name: 'postgres-single-user', arn: seeded.single },
    { name: 'postgres-alternating-users', arn: seeded.alternating },
  ];
  const latency = [];
  for (const subject of subjects) {
    // The first rotation warms the function's container; it is measured as a cold start above.
    await rotate(subject.arn, subject.name);
    const reportsBefore = log.length;
    const calls: number[] = [];
    const callNames = new Map<string, number>();
    const db = { statements: [] as number[], connections: [] as number[] };
    for (let i = 0; i < rotations; i++) {
      const opsBefore = operations.length;
      const logBefore = statementLines().length;
      await rotate(subject.arn, subject.name);
      // The benchmark's own RotateSecret is not the function's.
      const own = operations.slice(opsBefore).filter((op) => op !== 'RotateSecret');
      calls.push(own.length);
      if (i === 0) for (const op of own) callNames.set(op, (callNames.get(op) ?? 0) + 1);
      const counted = countDb(statementLines().slice(logBefore));
      db.statements.push(counted.statements);
      db.connections.push(counted.connections);
    }
    const records = stack.runner
      .rotations(subject.arn)
      .filter((r) => r.kind === 'rotation' && r.outcome === 'succeeded')
      .slice(-rotations);
    const steps = Object.fromEntries(
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((step) => {
        const samples = records.flatMap((r) =>
          r.steps.filter((s) => s.step === step).map((s) => s.durationMs),
        );
        return [step, { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) }];
      }),
    );
    const totals = records.map((r) => r.steps.reduce((sum, s) => sum + s.durationMs, 0));
    const peakMemoryMb = Math.max(
      0,
      ...log
        .slice(reportsBefore)
        .filter((l) => l.startsWith(`[${subject.name}]`))
        .map((l) => Number(/Max Memory Used: (\d+) MB/.exec(l)?.[1] ?? 0)),
    );
    latency.push({
      function: subject.name,
      peakMemoryMb,
      rotations: records.length,
      totalMs: { p50: percentile(totals, 0.5), p95: percentile(totals, 0.95) },
      steps,
      secretsManagerCallsPerRotation: percentile(calls, 0.5),
      secretsManagerCalls: Object.fromEntries(callNames),
      sqlStatementsPerRotation: percentile(db.statements, 0.5),
      dbConnectionsPerRotation: percentile(db.connections, 0.5),
    });
  }

  const fleet = [];
  const series: FleetSeries[] = [];
  for (const size of fleetSizes) {
    say(`fleet: ${size} single-user secrets, reserved concurrency ${concurrency}…`);
    const arns = await createFleetSecrets(
      postgres,
      'fleet',
      size,
      async (Name, SecretString) =>
        (await client.send(new CreateSecretCommand({ Name, SecretString }))).ARN ?? '',
    );
    const monitor = new pg.Client({
      host: '127.0.0.1',
      port: postgres.port,
      user: 'postgres',
      password: postgres.superuser.password,
      database: 'postgres',
      ssl: { ca: postgres.caPem },
    });
    await monitor.connect();
    let peakConnections = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await monitor.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'secrets-rotation'",
        );
        peakConnections = Math.max(peakConnections, rows[0]?.n ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const logBefore = log.length;
    const started = Date.now();
    const versions = await Promise.all(
      arns.map(async (arn) => {
        const out = await client.send(
          new RotateSecretCommand({
            SecretId: arn,
            RotationLambdaARN: functionArn('postgres-single-user'),
            RotationRules: { AutomaticallyAfterDays: 30 },
          }),
        );
        return { arn, versionId: out.VersionId ?? '' };
      }),
    );
    const outcomes = await Promise.all(
      versions.map(({ arn, versionId }) =>
        stack.runner.waitForRotation(arn, versionId, 600_000).then(
          () => Date.now() - started,
          () => undefined,
        ),
      ),
    );
    const totalMs = Date.now() - started;
    sampling = false;
    await sampler;
    await monitor.end();
    const finishedAt = outcomes.filter((t): t is number => t !== undefined);
    const memory = log.slice(logBefore).map((l) => Number(/Max Memory Used: (\d+) MB/.exec(l)?.[1] ?? 0));
    fleet.push({
      secrets: size,
      totalMs,
      rotationsPerSecond: round((finishedAt.length / totalMs) * 1000),
      errors: size - finishedAt.length,
      peakDbConnections: peakConnections,
      peakFunctionMemoryMb: Math.max(0, ...memory),
    });
    series.push({ label: `${size} secrets`, finishedAtMs: finishedAt });
  }

  const results = {
    measuredAt: new Date().toISOString(),
    machine: { node: process.versions.node, cpus: cpus().length, cpuModel: cpus()[0]?.model },
    bundles,
    coldStarts: {
      node: { version: coldStartNode.version, source: coldStartNode.source },
      baseline: { medianMs: coldStarts.baseline.medianMs, p95Ms: coldStarts.baseline.p95Ms },
      functions: coldStarts.functions.map(({ samples: _s, ...f }) => f),
    },
    latency,
    fleet: { reservedConcurrency: concurrency, runs: fleet },
  };
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync('bench/fleet.svg', fleetChart(series));

  const out: string[] = [
    '',
    '| function | bundle KB (gzip) | cold start ms (over empty node) | rotation ms p50 / p95 | SM calls | SQL statements / connections | peak MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const l of latency) {
    const b = bundles.find((x) => x.name === l.function);
    const c = coldStarts.functions.find((x) => x.name === l.function);
    out.push(
      `| ${l.function} | ${round((b?.bytes ?? 0) / 1024)} (${round((b?.gzipBytes ?? 0) / 1024)}) | ${c?.medianMs} (+${round(c?.overheadMs ?? 0)}) | ` +
        `${l.totalMs.p50} / ${l.totalMs.p95} | ${l.secretsManagerCallsPerRotation} | ${l.sqlStatementsPerRotation} / ${l.dbConnectionsPerRotation} | ${l.peakMemoryMb} |`,
    );
  }
  out.push(
    '',
    `empty node process: ${coldStarts.baseline.medianMs} ms median; cold starts on Node ${coldStartNode.version} (${coldStartNode.source}), rotations on Node ${process.version}`,
    '',
    '| fleet | total s | rotations/s | errors | peak DB connections | peak function MB |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const f of fleet)
    out.push(
      `| ${f.secrets} | ${round(f.totalMs / 1000)} | ${f.rotationsPerSecond} | ${f.errors} | ${f.peakDbConnections} | ${f.peakFunctionMemoryMb} |`,
    );
  process.stdout.write(`${out.join('\n')}\n\nWrote bench/results.json and bench/fleet.svg\n`);
  process.exitCode = fleet.every((f) => f.errors === 0) ? 0 : 1;
} finally {
  client.destroy();
  await local.close();
}
