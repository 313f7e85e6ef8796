import { RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';
import { percentile } from './measureBundles.js';
import { type LatencyProxy, sequentialRoundTrips } from './startLatencyProxy.js';

/** How a function makes its Secrets Manager calls: the default, or every read when it is needed. */
export type CallOrder = 'read-ahead' | 'sequential';

/** The name a function is registered under in the benchmark for each call order. */
export const functionFor = (name: string, order: CallOrder) =>
  order === 'read-ahead' ? name : `${name}--sequential`;

interface Percentiles {
  readonly p50: number;
  readonly p95: number;
}

export interface OrderFigures {
  readonly totalMs: Percentiles;
  /** Each round's rotation time, in round order (null where it did not succeed); older results lack it. */
  readonly rotationTotalsMs?: readonly (number | null)[];
  readonly steps: Readonly<Record<string, Percentiles>>;
  /** Medians per rotation. */
  readonly secretsManagerCalls: number;
  readonly sequentialRoundTrips: number;
  readonly secretsManagerCallsByOperation: Readonly<Record<string, number>>;
  readonly tlsHandshakes: number;
  readonly logins: number;
  readonly failedLogins: number;
  /** Statements sent (each one round trip; a batch counts once). */
  readonly sqlStatements: number;
  /** sqlStatements plus LOGIN_ROUND_TRIPS for every login. */
  readonly postgresRoundTrips: number;
  readonly peakMemoryMb: number;
}

/**
 * What one login takes on the wire: SSLRequest, the TLS 1.3 handshake, the startup message, and
 * SCRAM's two exchanges (the last answered with AuthenticationOk and ReadyForQuery).
 */
export const LOGIN_ROUND_TRIPS = 5;

export interface FunctionLatency {
  readonly function: string;
  readonly rotations: number;
  readonly orders: Readonly<Record<CallOrder, OrderFigures>>;
  /** read-ahead p50 / sequential p50 */
  readonly ratio: number;
}

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** Postgres's connection log lines, counted per rotation. */
function countDatabaseWork(lines: readonly string[]) {
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
  const failedLogins = count(/password authentication failed/);
  const logins = count(/connection authorized/);
  return {
    // Every function connection uses TLS (the local Postgres refuses nothing else from them).
    tlsHandshakes: count(/connection authorized:.*SSL enabled/) + failedLogins,
    logins: logins + failedLogins,
    failedLogins,
    sqlStatements: count(/LOG:\s+(statement|execute [^:]*):/),
  };
}

/**
 * Rotates each secret `rotations` times with each call order, the orders alternating rotation by
 * rotation so the machine's noise falls on both alike, and reports per order: the rotation's time
 * (sum of its four steps, Secrets Manager latency included), calls, sequential round trips, TLS
 * handshakes, logins and statements.
 */
export async function measureRotationLatency(options: {
  readonly local: LocalEnvironment;
  readonly client: SecretsManagerClient;
  readonly proxy: LatencyProxy;
  readonly functionArn: (name: string) => string;
  readonly subjects: ReadonlyArray<{ readonly name: string; readonly arn: string }>;
  readonly rotations: number;
  readonly log: readonly string[];
}): Promise<FunctionLatency[]> {
  const { local, client, proxy } = options;
  const serverLines = () => local.postgres.serverLog().split('\n');
  const rotate = async (arn: string, functionName: string) => {
    const out = await client.send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: options.functionArn(functionName),
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    await local.stack.runner.waitForRotation(arn, out.VersionId ?? '', 120_000);
    return out.VersionId ?? '';
  };

  const orders: CallOrder[] = ['read-ahead', 'sequential'];
  type Sample = {
    /** In round order. */
    versions: string[];
    calls: number[];
    rounds: number[];
    byOperation: Map<string, number[]>;
    db: ReturnType<typeof countDatabaseWork>[];
  };
  const samplesOf = new Map<string, Map<CallOrder, Sample>>();
  for (const subject of options.subjects) {
    // A first rotation per function and order, untimed: its process starts cold.
    for (const order of orders) await rotate(subject.arn, functionFor(subject.name, order));
    samplesOf.set(
      subject.name,
      new Map(
        orders.map((order) => [
          order,
          { versions: [], calls: [], rounds: [], byOperation: new Map(), db: [] },
        ]),
      ),
    );
  }
  const logBefore = options.log.length;
  // Round by round, every function and order in turn (the order reversed every other round), so the
  // machine's noise falls on all alike and functions compare within one run.
  for (let i = 0; i < options.rotations; i++) {
    const subjects = i % 2 === 0 ? options.subjects : [...options.subjects].reverse();
    for (const subject of subjects) {
      for (const order of i % 2 === 0 ? orders : [...orders].reverse()) {
        const sample = samplesOf.get(subject.name)?.get(order);
        if (sample === undefined) continue;
        const callsBefore = proxy.calls.length;
        const linesBefore = serverLines().length;
        sample.versions.push(await rotate(subject.arn, functionFor(subject.name, order)));
        const calls = proxy.calls.slice(callsBefore);
        sample.calls.push(calls.length);
        sample.rounds.push(sequentialRoundTrips(calls));
        const byOperation = new Map<string, number>();
        for (const call of calls) byOperation.set(call.operation, (byOperation.get(call.operation) ?? 0) + 1);
        for (const [operation, n] of byOperation) {
          sample.byOperation.set(operation, [...(sample.byOperation.get(operation) ?? []), n]);
        }
        sample.db.push(countDatabaseWork(serverLines().slice(linesBefore)));
      }
    }
  }

  const results: FunctionLatency[] = [];
  for (const subject of options.subjects) {
    const samples = samplesOf.get(subject.name) as Map<CallOrder, Sample>;
    const figures = Object.fromEntries(
      orders.map((order) => {
        const sample = samples.get(order);
        if (sample === undefined) throw new Error(`no samples for ${order}`);
        const timed = new Set(sample.versions);
        const records = local.stack.runner
          .rotations(subject.arn)
          .filter((r) => r.kind === 'rotation' && r.outcome === 'succeeded' && timed.has(r.versionId));
        const totalOf = new Map(
          records.map((r) => [r.versionId, r.steps.reduce((sum, s) => sum + s.durationMs, 0)]),
        );
        // One entry per round, null where the round's rotation has no succeeded record, so round i
        // stays round i for every function.
        const rotationTotalsMs = sample.versions.map((version) => totalOf.get(version) ?? null);
        const totals = [...totalOf.values()];
        const steps = Object.fromEntries(
          STEPS.map((step) => {
            const durations = records.flatMap((r) =>
              r.steps.filter((s) => s.step === step).map((s) => s.durationMs),
            );
            return [step, { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) }];
          }),
        );
        const median = (values: number[]) => percentile(values, 0.5);
        const name = functionFor(subject.name, order);
        const peakMemoryMb = Math.max(
          0,
          ...options.log
            .slice(logBefore)
            .filter((line) => line.startsWith(`[${name}]`))
            .map((line) => Number(/Max Memory Used: (\d+) MB/.exec(line)?.[1] ?? 0)),
        );
        const result: OrderFigures = {
          totalMs: { p50: percentile(totals, 0.5), p95: percentile(totals, 0.95) },
          rotationTotalsMs,
          steps,
          secretsManagerCalls: median(sample.calls),
          sequentialRoundTrips: median(sample.rounds),
          secretsManagerCallsByOperation: Object.fromEntries(
            [...sample.byOperation].map(([operation, counts]) => [operation, median(counts)]),
          ),
          tlsHandshakes: median(sample.db.map((d) => d.tlsHandshakes)),
          logins: median(sample.db.map((d) => d.logins)),
          failedLogins: median(sample.db.map((d) => d.failedLogins)),
          sqlStatements: median(sample.db.map((d) => d.sqlStatements)),
          postgresRoundTrips: median(sample.db.map((d) => d.sqlStatements + LOGIN_ROUND_TRIPS * d.logins)),
          peakMemoryMb,
        };
        return [order, result];
      }),
    ) as Record<CallOrder, OrderFigures>;
    results.push({
      function: subject.name,
      rotations: options.rotations,
      orders: figures,
      ratio: Math.round((figures['read-ahead'].totalMs.p50 / figures.sequential.totalMs.p50) * 100) / 100,
    });
  }
  return results;
}
