import { formatCount, formatDay, formatNodeVersion } from './formatCount.js';
import { markdownTable } from './markdownTable.js';

interface KindFigures {
  readonly tried: number;
  readonly reached: number;
  readonly converged: number;
  readonly violations: number;
  readonly maxAttempts: number;
}

export interface FaultMatrixLane {
  readonly function: string;
  readonly injectionPoints: number;
  readonly callsByService: Readonly<Record<string, number>>;
  /** The clean rotation's calls in order, labelled `<service> <operation>`. */
  readonly calls: readonly string[];
  /** The same calls by step (runs that recorded them). */
  readonly callsByStep?: readonly { readonly step: string; readonly calls: readonly string[] }[];
  readonly byKind: Readonly<Record<string, KindFigures>>;
  readonly trials: number;
  readonly invariantChecks: number;
  readonly converged: number;
  readonly violations: number;
  readonly durationMs: number;
}

/** bench/reliability.json, as `npm run test:reliability -- --out bench/reliability.json` writes it. */
export interface ReliabilityReport {
  readonly measuredAt: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly passed: boolean;
  readonly seconds: number;
  readonly sections: {
    readonly 'fault-matrix'?: readonly FaultMatrixLane[];
    readonly races?: ReadonlyArray<{
      readonly scenario: string;
      readonly losers: number;
      readonly errorNames: readonly string[];
      readonly lockouts: number;
    }>;
    readonly crowd?: ReadonlyArray<{
      readonly secrets: number;
      readonly rotated: number;
      readonly loggingIn: number;
      readonly peakSessions: number;
      readonly reservedConcurrency: number;
      readonly seconds: number;
    }>;
    readonly stalls?: ReadonlyArray<{
      readonly function: string;
      readonly call: string;
      readonly failedWith: readonly string[];
      readonly slowestStepMs: number;
      readonly attempts: number;
    }>;
    readonly 'endpoint-load'?: ReadonlyArray<{
      readonly sent: number;
      readonly answered: number;
      readonly writers: number;
      readonly servedBeforeKill: number;
      readonly acknowledgedVersionsChecked: number;
      readonly acknowledgedTagsChecked: number;
      readonly missing: number;
    }>;
    readonly 'postgres-restart'?: ReadonlyArray<{
      readonly function: string;
      readonly step: string;
      readonly downMs: number;
      readonly convergedAfterRestartMs: number;
      readonly longestWindowMs?: number | null;
      readonly violations: number;
    }>;
    readonly 'consumer-bridging'?: ReadonlyArray<{
      readonly windows: number;
      readonly queries: number;
      readonly failed: number;
    }>;
    readonly 'secret-fuzzing'?: ReadonlyArray<{
      readonly function: string;
      readonly seed: number;
      readonly cases: number;
      readonly rotated: number;
      readonly refusedBy: Readonly<Record<string, number>>;
    }>;
    readonly 'chaos-soak'?: ReadonlyArray<{
      readonly seed: number;
      readonly faultRate: number;
      readonly chaosSeconds: number;
      readonly secrets: number;
      readonly rotationsStarted: number;
      readonly rotationsCompleted: number;
      readonly faultsInjected: number;
      readonly faultsOnClientRetries: number;
      readonly kills: number;
      readonly failedRuns: number;
      readonly reattempts: number;
      readonly resumes: number;
      readonly longestSingleUserWindowMs: number;
      readonly healedAfterMs: number;
      readonly requests: number;
      readonly failedRequests: number;
      readonly violations: number;
    }>;
    readonly 'bad-input'?: ReadonlyArray<{
      readonly events: number;
      readonly secretValues: number;
      readonly held: number;
      readonly errorNames: readonly string[];
    }>;
  };
  readonly leakCheck: {
    readonly logLines: number;
    readonly megabytes: number;
    readonly secretValues: number;
    readonly leaks: number;
  };
}

const SERVICES: Readonly<Record<string, string>> = {
  secretsmanager: 'Secrets Manager',
  postgres: 'Postgres',
};
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const code = (names: readonly string[]) => names.map((name) => `\`${name}\``);

/** `a`, `a or b`, `a, b or c`. */
function oneOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function section<T>(items: readonly T[] | undefined, name: string): readonly T[] {
  if (items === undefined || items.length === 0) {
    throw new Error(`bench/reliability.json: no figures in section ${name}`);
  }
  return items;
}

/**
 * A call label as the docs name it: `postgres connect` → `Postgres login`. Secrets Manager
 * operations go bare where every other call is one (`withService` false), named otherwise.
 */
export function describeCall(label: string, withService = false): string {
  const [service = '', ...rest] = label.split(' ');
  const operation = rest.join(' ');
  if (service === 'secretsmanager') return withService ? `Secrets Manager \`${operation}\`` : operation;
  if (service === 'postgres') return operation === 'connect' ? 'Postgres login' : `\`${operation}\``;
  return `${service} \`${operation}\``;
}

/** `1 minute`, `1.2 minutes`: to a tenth, or with `whole`, to the minute. */
function minutes(milliseconds: number, whole = false): string {
  const value = whole ? Math.round(milliseconds / 60_000) : Math.round(milliseconds / 6_000) / 10;
  return `${value} ${value === 1 ? 'minute' : 'minutes'}`;
}

/** When the figures were taken, on what, and how long the whole suite ran. */
export function reliabilityRunSection(report: ReliabilityReport): string {
  return (
    `Measured ${formatDay(report.measuredAt)} on ${report.machine.cpus} CPUs, Node ${formatNodeVersion(report.machine.node)}: ` +
    `the whole suite ${report.passed ? 'passed' : 'failed'} in ${report.seconds} s (about ${minutes(report.seconds * 1000, true)}).`
  );
}

/** Converged / tried per function and fault kind, then the totals. */
export function faultMatrixSection(report: ReliabilityReport): string {
  const lanes = section(report.sections['fault-matrix'], 'fault-matrix');
  const kinds = [...new Set(lanes.flatMap((lane) => Object.keys(lane.byKind)))];
  const figures = lanes.flatMap((lane) => Object.values(lane.byKind));
  const table = markdownTable(
    ['function', 'injection points', ...kinds, 'violations'],
    lanes.map((lane) => {
      const services = Object.entries(lane.callsByService)
        .map(([service, calls]) => `${calls} ${SERVICES[service] ?? service}`)
        .join(', ');
      return [
        `\`${lane.function}\``,
        `${lane.injectionPoints} (${services})`,
        ...kinds.map((kind) => {
          const byKind = lane.byKind[kind];
          return byKind === undefined ? '–' : `${byKind.converged}/${byKind.tried}`;
        }),
        lane.violations,
      ];
    }),
  );
  const longest = Math.max(...lanes.map((lane) => lane.durationMs));
  return [
    table,
    '',
    `${formatCount(sum(lanes.map((l) => l.trials)))} faulted rotations, ${formatCount(sum(lanes.map((l) => l.converged)))} converged, ` +
      `${formatCount(sum(lanes.map((l) => l.invariantChecks)))} invariant checks, ${formatCount(sum(lanes.map((l) => l.violations)))} violations. ` +
      `${formatCount(sum(figures.map((f) => f.reached)))} of ${formatCount(sum(figures.map((f) => f.tried)))} faults were reached, ` +
      `no rotation needed more than ${Math.max(...figures.map((f) => f.maxAttempts))} attempts, and the slowest function's lane took ` +
      `${minutes(longest)} (the lanes run side by side).`,
  ].join('\n');
}

/** Consecutive equal labels folded: `GetSecretValue ×2`. */
function folded(labels: readonly string[]): string {
  const runs: Array<{ label: string; count: number }> = [];
  for (const label of labels) {
    const last = runs.at(-1);
    if (last?.label === label) last.count += 1;
    else runs.push({ label, count: 1 });
  }
  return runs.map(({ label, count }) => (count === 1 ? label : `${label} ×${count}`)).join(', ');
}

/** Each function's injection points step by step (every step starts with its DescribeSecret). */
export function faultPointsSection(report: ReliabilityReport): string {
  const lanes = section(report.sections['fault-matrix'], 'fault-matrix');
  return markdownTable(
    ['function', ...STEPS],
    lanes.map((lane) => {
      const steps: string[][] = [];
      if (lane.callsByStep !== undefined) {
        for (const step of STEPS) {
          steps.push(
            (lane.callsByStep.find((s) => s.step === step)?.calls ?? []).map((call) => describeCall(call)),
          );
        }
      } else {
        // Older results: each step starts with the preamble's DescribeSecret.
        for (const call of lane.calls) {
          if (call === 'secretsmanager DescribeSecret' || steps.length === 0) steps.push([]);
          steps.at(-1)?.push(describeCall(call));
        }
      }
      if (steps.length !== STEPS.length) {
        throw new Error(`bench/reliability.json: ${lane.function}'s calls make ${steps.length} steps, not 4`);
      }
      return [`\`${lane.function}\``, ...steps.map(folded)];
    }),
  );
}

/** Stalls, races, the crowd, bad input, the endpoint under load and the leak check. */
export function reliabilitySuiteSection(report: ReliabilityReport): string {
  const stalls = section(report.sections.stalls, 'stalls');
  const races = section(report.sections.races, 'races');
  const stepRaces = races.filter((race) => race.scenario.includes('every step twice'));
  const otherRaces = races.filter((race) => !race.scenario.includes('every step twice'));
  const rows: string[][] = [];

  const stallErrors = [...new Set(stalls.flatMap((stall) => stall.failedWith))].sort();
  const retried = stalls.some((stall) => stall.failedWith.length === 0);
  const stallSeconds = stalls.map((stall) => Math.round(stall.slowestStepMs / 100) / 10);
  rows.push([
    'stalled services',
    `a call that is never answered (\`stall\`): ${[...new Set(stalls.map((stall) => describeCall(stall.call, true)))].join(', ')}; client timeouts set to 2 s`,
    `the slowest step ends after ${Math.min(...stallSeconds)} to ${Math.max(...stallSeconds)} s, in the client's own timeout ` +
      `(${oneOf([...code(stallErrors), ...(retried ? ["the client's retry"] : [])])}), ` +
      `and each rotation converges in at most ${Math.max(...stalls.map((stall) => stall.attempts))} attempts`,
  ]);

  const lockouts = sum(stepRaces.map((race) => race.lockouts));
  rows.push([
    'races',
    `every step of each of the ${stepRaces.length} kinds invoked twice at the same moment, then Secrets Manager's retry`,
    `each converges; losers get ${oneOf(code([...new Set(stepRaces.flatMap((race) => race.errorNames))].sort()))}; ` +
      (lockouts === 0 ? 'no lockout' : `${lockouts} lockouts`),
  ]);
  for (const race of otherRaces) {
    const others = race.losers === 1 ? 'the other gets' : `${race.losers} others get`;
    rows.push([
      race.scenario.includes('RotateSecret') ? '`RotateSecret` race' : 'race',
      race.scenario.replace('RotateSecret', '`RotateSecret`'),
      `one rotation runs, ${others} ${oneOf(code(race.errorNames))}`,
    ]);
  }

  for (const crowd of section(report.sections.crowd, 'crowd')) {
    rows.push([
      'crowd',
      `${formatCount(crowd.secrets)} Postgres secrets rotated at once against one server, reserved concurrency ${crowd.reservedConcurrency}`,
      `${formatCount(crowd.rotated)} rotated, ${formatCount(crowd.loggingIn)} log in, at most ${crowd.peakSessions} database sessions at once, ${crowd.seconds} s`,
    ]);
  }

  for (const bad of section(report.sections['bad-input'], 'bad-input')) {
    const cases = bad.events + bad.secretValues;
    rows.push([
      'bad input (`test/reliability/corpus/`)',
      'malformed events and secret values kept as data: wrong types, missing keys, a 1 MB value, lone surrogates, injection attempts, unknown steps, tokens of the wrong length',
      `${formatCount(cases)} cases (${bad.events} events, ${bad.secretValues} values): ` +
        `${bad.held === cases ? 'each' : `${bad.held} of them`} a named error (${oneOf(code(bad.errorNames))}), no version changed, no outside call`,
    ]);
  }

  for (const load of section(report.sections['endpoint-load'], 'endpoint-load')) {
    rows.push([
      'endpoint under load',
      `${formatCount(load.sent)} mixed requests from ${load.writers} concurrent writers against the endpoint process, SIGKILL after ${formatCount(load.servedBeforeKill)} answers, restart`,
      `${formatCount(load.answered)} answered; ${load.missing === 0 ? 'all' : `${load.missing} missing of the`} ${formatCount(load.acknowledgedVersionsChecked)} acknowledged versions ` +
        `and ${formatCount(load.acknowledgedTagsChecked)} acknowledged tag writes there after the restart; one \`AWSCURRENT\` per secret`,
    ]);
  }

  const restarts = report.sections['postgres-restart'] ?? [];
  if (restarts.length > 0) {
    const windows = restarts.flatMap((r) =>
      typeof r.longestWindowMs === 'number' ? [r.longestWindowMs] : [],
    );
    rows.push([
      'Postgres restarts',
      `the server stopped for ${Math.max(...restarts.map((r) => r.downMs))} ms during ${[...new Set(restarts.map((r) => `\`${r.step}\``))].join(' and ')} of ${[...new Set(restarts.map((r) => `\`${r.function}\``))].join(' and ')}, then started again`,
      `every rotation converges (at most ${Math.max(...restarts.map((r) => r.convergedAfterRestartMs))} ms after the restart, through a reattempt); ` +
        `longest single-user window ${Math.max(0, ...windows)} ms; ${sum(restarts.map((r) => r.violations))} violations`,
    ]);
  }
  for (const bridging of report.sections['consumer-bridging'] ?? []) {
    rows.push([
      'consumer bridging',
      `the consumer library's pool through ${formatCount(bridging.windows)} single-user windows in a row`,
      `${formatCount(bridging.queries)} queries, ${formatCount(bridging.failed)} failed`,
    ]);
  }
  for (const soak of report.sections['chaos-soak'] ?? []) {
    rows.push([
      'chaos soak',
      `seed ${soak.seed}: ${soak.secrets} secrets of all four kinds rotated again and again for ${soak.chaosSeconds} s with random faults (rate ${soak.faultRate}, also on retries of a fault) and SIGKILLs, under application load; then reattempts and resumes`,
      `${formatCount(soak.rotationsCompleted)}/${formatCount(soak.rotationsStarted)} rotations completed; ${formatCount(soak.faultsInjected)} faults (${formatCount(soak.faultsOnClientRetries)} on a retry), ${soak.kills} kills, ` +
        `${soak.failedRuns} failed runs, ${soak.reattempts} reattempts, ${soak.resumes} resumes; longest single-user window ${formatCount(soak.longestSingleUserWindowMs)} ms, ` +
        `all healed ${formatCount(soak.healedAfterMs)} ms after the chaos; ${formatCount(soak.requests)} requests, ${formatCount(soak.failedRequests)} failed; ${soak.violations} violations`,
    ]);
  }

  const fuzzing = report.sections['secret-fuzzing'] ?? [];
  if (fuzzing.length > 0) {
    const refusals = new Map<string, number>();
    for (const run of fuzzing)
      for (const [name, n] of Object.entries(run.refusedBy))
        refusals.set(name, (refusals.get(name) ?? 0) + n);
    rows.push([
      'secret fuzzing (`test/security/fuzz/`)',
      `hostile secrets generated with fast-check (seeds ${fuzzing.map((r) => r.seed).join(', ')}) for ${fuzzing.map((r) => `\`${r.function}\``).join(', ')}, each rotated by the built function: control characters, NUL, long strings, wrong JSON types, duplicated and unknown keys, other roles, the attacker's host`,
      `${formatCount(sum(fuzzing.map((r) => r.cases)))} cases, ${formatCount(sum(fuzzing.map((r) => r.rotated)))} rotated their own role or token, the rest refused with a named error (${oneOf(code([...refusals.keys()].sort()))}); no login as another role, no other role's password or membership changed, no credential at the listener`,
    ]);
  }

  const leak = report.leakCheck;
  rows.push([
    'leak check',
    'every line the run logged, scanned for every secret value the run made',
    `${formatCount(leak.logLines)} lines (${leak.megabytes} MB), ${formatCount(leak.secretValues)} secret values: ${formatCount(leak.leaks)} found`,
  ]);

  return markdownTable(['part', 'what it does', 'measured'], rows);
}
