/**
 * What users of the rotation functions pay for, measured on this machine: bundle sizes, cold
 * starts against an empty Node process, rotation latency per step, Secrets Manager calls and
 * database round trips per rotation, and a fleet of secrets rotated with bounded concurrency.
 * Writes bench/results.json and bench/fleet.svg and prints a summary.
 *
 *   npm run bench [-- --rotations 50 --fleet 100,300,1000 --cold-starts 20 --sm-latency 15]
 *   npm run bench -- --fleet-under-quotas 1000
 *
 * `--fleet-under-quotas N` measures only a fleet of N secrets rotated on a stack that throttles at
 * AWS's request-rate quotas (fleet time, failed rotations, throttled calls and retries) and writes
 * bench/quotas.json.
 *
 * `--sm-latency MS` holds every call the functions make to Secrets Manager back MS ms (a regional
 * round trip). Each function is timed with its default call order (reads ahead) and with
 * ROTATION_READ_AHEAD=false (every read made when needed, one after the other), alternating.
 *
 * Cold starts are timed on the production runtime's Node when it is installed (resolveBenchNode.ts);
 * BENCH_NODE=/path/to/node picks another.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { seedConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import { FUNCTION_MEMORY_MB, lambdaNodeArgs } from '../../local/lambda/lambdaNodeArgs.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/stack/startLocalStack.js';
import { LOOPBACK_PROVIDER_ENVIRONMENT } from '../../shared/targets/api-token/ProviderPolicy.js';
import { startLocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';
import { createFleetSecrets } from './createFleetSecrets.js';
import { type FleetSeries, fleetChart } from './fleetChart.js';
import { measureFleetUnderQuotas } from './fleetUnderQuotas.js';
import { listBundles, measureBundleSizes, measureColdStarts } from './measureBundles.js';
import { measureImportBreakdown, measureModuleFormats } from './measureImportBreakdown.js';
import { functionFor, measureRotationLatency } from './measureRotationLatency.js';
import { pairedRatio } from './pairedRatio.js';
import { resolveBenchNode } from './resolveBenchNode.js';
import { startLatencyProxy } from './startLatencyProxy.js';

const { values } = parseArgs({
  options: {
    rotations: { type: 'string', default: '50' },
    fleet: { type: 'string', default: '100,300,1000' },
    'cold-starts': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '10' },
    'fleet-under-quotas': { type: 'string' },
    'sm-latency': { type: 'string', default: '0' },
  },
});
const smLatencyMs = Number(values['sm-latency']);
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
// The NODE_OPTIONS template.yaml deploys the functions with.
const nodeOptions = /^\s+NODE_OPTIONS:\s*(.+?)\s*$/m.exec(readFileSync('template.yaml', 'utf8'))?.[1];
const bundles = measureBundleSizes('dist');
// Lambda's runtime starts node with its own flags (lambdaNodeArgs.ts); the code cache is checked against them.
const nodeArgs = lambdaNodeArgs(FUNCTION_MEMORY_MB);
const coldStarts = await measureColdStarts('dist', {
  runs: Number(values['cold-starts']),
  node: coldStartNode.path,
  nodeArgs,
  ...(nodeOptions === undefined ? {} : { nodeOptions }),
});
say('the functions as CommonJS (deployed) and as ES modules…');
const moduleFormats = await measureModuleFormats({
  runs: Number(values['cold-starts']),
  node: coldStartNode.path,
  nodeOptions,
  functions: listBundles('dist'),
});
say('import cost of each part of the bundles…');
const breakdown = await measureImportBreakdown({
  runs: Number(values['cold-starts']),
  node: coldStartNode.path,
  nodeOptions,
});

const log: string[] = [];
const operations: string[] = [];
// Each function twice, under its own name and as `<name>--sequential` with read-ahead off.
const functionsDir = mkdtempSync(join(tmpdir(), 'bench-functions-'));
for (const bundle of bundles) {
  for (const order of ['read-ahead', 'sequential'] as const) {
    symlinkSync(resolve('dist', bundle.name), join(functionsDir, functionFor(bundle.name, order)), 'dir');
  }
}
let stackUrl = '';
const proxy = await startLatencyProxy(() => stackUrl, smLatencyMs);
const local = await startLocalEnvironment({
  reservedConcurrency: concurrency,
  functionsDir,
  functionEnvironment: (name) => ({
    AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
    SECRETS_MANAGER_ENDPOINT: proxy.url,
    ...(name.endsWith('--sequential') ? { ROTATION_READ_AHEAD: 'false' } : {}),
    // What the stack gives the api-token function by name, for its alias too.
    ...(name.startsWith('api-token') ? LOOPBACK_PROVIDER_ENVIRONMENT : {}),
  }),
  logSink: (line) => log.push(line),
  onRequest: (operation) => operations.push(operation),
});
const { stack, postgres, tokens } = local;
stackUrl = stack.url;
const client = new SecretsManagerClient({
  endpoint: stack.url,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
});
const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;

try {
  say(
    `rotation latency: ${rotations} rotations per function and call order, Secrets Manager +${smLatencyMs} ms per call…`,
  );
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
  const latency = await measureRotationLatency({
    local,
    client,
    proxy,
    functionArn,
    subjects: [
      { name: 'random-value', arn: randomArn },
      { name: 'api-token', arn: seeded.token },
      { name: 'postgres-single-user', arn: seeded.single },
      { name: 'postgres-alternating-users', arn: seeded.alternating },
    ],
    rotations,
    log,
  });

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
      nodeOptions: nodeOptions ?? '',
      nodeArgs,
      importBreakdown: breakdown.modules,
      moduleFormats,
      baseline: { medianMs: coldStarts.baseline.medianMs, p95Ms: coldStarts.baseline.p95Ms },
      connectBaseline: {
        medianMs: coldStarts.connectBaseline.medianMs,
        p95Ms: coldStarts.connectBaseline.p95Ms,
      },
      functions: coldStarts.functions.map(({ samples: _s, ...f }) => f),
    },
    secretsManagerLatencyMs: smLatencyMs,
    latency,
    fleet: { reservedConcurrency: concurrency, runs: fleet },
  };
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync('bench/fleet.svg', fleetChart(series));

  const out: string[] = [
    '',
    `Secrets Manager +${smLatencyMs} ms per call; read-ahead (the default) against ROTATION_READ_AHEAD=false in the same run`,
    '',
    '| function | call order | rotation ms p50 / p95 | sequential SM round trips | SM calls | TLS handshakes | logins (failed) | SQL statements | Postgres round trips | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const l of latency) {
    for (const order of ['read-ahead', 'sequential'] as const) {
      const f = l.orders[order];
      out.push(
        `| ${l.function} | ${order} | ${f.totalMs.p50} / ${f.totalMs.p95} | ${f.sequentialRoundTrips} | ${f.secretsManagerCalls} | ` +
          `${f.tlsHandshakes} | ${f.logins} (${f.failedLogins}) | ${f.sqlStatements} | ${f.postgresRoundTrips} | ${order === 'read-ahead' ? l.ratio : ''} |`,
      );
    }
  }
  const single = latency.find((l) => l.function === 'postgres-single-user')?.orders['read-ahead'];
  const alternating = latency.find((l) => l.function === 'postgres-alternating-users')?.orders['read-ahead'];
  if (single?.rotationTotalsMs !== undefined && alternating?.rotationTotalsMs !== undefined) {
    const paired = pairedRatio(alternating.rotationTotalsMs, single.rotationTotalsMs);
    out.push(
      '',
      `alternating users over single user, p50: ${paired.ratio.toFixed(3)} ` +
        `(95% interval ${paired.low.toFixed(3)} to ${paired.high.toFixed(3)}, ${paired.pairs} paired rounds)`,
    );
  }
  out.push(
    '',
    `| function | bundle KB (gzip) | to first request ms, median / p95 (over empty node connecting) | import ms (over empty node) | without NODE_OPTIONS | code cache | without it: import / first request | peak MB |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const l of latency) {
    const b = bundles.find((x) => x.name === l.function);
    const c = coldStarts.functions.find((x) => x.name === l.function);
    const without = c?.withoutCodeCache;
    out.push(
      `| ${l.function} | ${round((b?.bytes ?? 0) / 1024)} (${round((b?.gzipBytes ?? 0) / 1024)}) | ` +
        `${c?.firstRequest.medianMs} / ${c?.firstRequest.p95Ms} (+${round(c?.firstRequest.overheadMs ?? 0)}) | ${c?.medianMs} (+${round(c?.overheadMs ?? 0)}) | ` +
        `+${round(c?.withoutNodeOptions.overheadMs ?? 0)} | ${c?.codeCache} | ` +
        `${without === undefined ? '–' : `+${round(without.import.overheadMs)} / +${round(without.firstRequest.overheadMs)}`} | ${l.orders['read-ahead'].peakMemoryMb} |`,
    );
  }
  out.push(
    '',
    '| part of the bundles, alone | loaded at | KB | import ms over empty node |',
    '| --- | --- | --- | --- |',
  );
  for (const m of breakdown.modules) {
    out.push(`| ${m.module} | ${m.loaded} | ${round(m.bytes / 1024)} | +${m.overheadMs} |`);
  }
  out.push(
    '',
    `empty node process: ${coldStarts.baseline.medianMs} ms median, connecting and sending a byte ${coldStarts.connectBaseline.medianMs} ms; node flags ${nodeArgs.join(' ')}; cold starts on Node ${coldStartNode.version} (${coldStartNode.source}), rotations on Node ${process.version}`,
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
  await proxy.close();
  rmSync(functionsDir, { recursive: true, force: true });
}
