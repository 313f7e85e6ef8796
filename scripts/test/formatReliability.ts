export interface LeakCheck {
  readonly logLines: number;
  readonly megabytes: number;
  readonly secretValues: number;
  readonly leaks: number;
  /** sha256 prefixes of leaked values: enough to find them in the test data, useless otherwise. */
  readonly fingerprints: readonly string[];
}

export function formatLeakCheck(leak: LeakCheck): string {
  return `- leak check: ${leak.logLines} log lines (${leak.megabytes} MB) scanned for ${leak.secretValues} secret values: ${leak.leaks} found`;
}

export interface ReliabilityResults {
  readonly measuredAt: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly passed: boolean;
  readonly seconds: number;
  /** Figures recorded by the suite's tests, by section (`fault-matrix`, `races`, …). */
  readonly sections: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>>;
  readonly leakCheck: LeakCheck;
}

const KINDS = ['error', 'kill-before', 'kill-after', 'drop', 'cut', 'delay'] as const;

interface KindFigures {
  readonly tried: number;
  readonly converged: number;
  readonly violations: number;
}

const row = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;

/** The report as Markdown tables, as the README shows it. */
export function formatReliability(results: ReliabilityResults): string {
  const out: string[] = [];
  const matrix = [...(results.sections['fault-matrix'] ?? [])].sort((a, b) =>
    String(a['function']).localeCompare(String(b['function'])),
  );
  if (matrix.length > 0) {
    out.push('Fault matrix (converged / tried per fault kind; violations of any invariant):', '');
    out.push(row(['function', 'injection points', ...KINDS, 'violations']));
    out.push(row(['---', '---', ...KINDS.map(() => '---'), '---']));
    for (const lane of matrix) {
      const calls = Object.entries((lane['callsByService'] ?? {}) as Record<string, number>)
        .map(([service, n]) => `${n} ${service}`)
        .join(', ');
      const byKind = (lane['byKind'] ?? {}) as Record<string, KindFigures>;
      out.push(
        row([
          String(lane['function']),
          `${lane['injectionPoints']} (${calls})`,
          ...KINDS.map((k) => (byKind[k] === undefined ? '–' : `${byKind[k].converged}/${byKind[k].tried}`)),
          Number(lane['violations']),
        ]),
      );
    }
    const trials = matrix.reduce((n, l) => n + Number(l['trials']), 0);
    const converged = matrix.reduce((n, l) => n + Number(l['converged']), 0);
    const violations = matrix.reduce((n, l) => n + Number(l['violations']), 0);
    const checks = matrix.reduce((n, l) => n + Number(l['invariantChecks'] ?? 0), 0);
    out.push(
      '',
      `Total: ${trials} faulted rotations, ${converged} converged, ${checks} invariant checks, ${violations} violations.`,
      '',
    );
  }
  for (const race of results.sections['races'] ?? [])
    out.push(
      `- race, ${race['scenario']}: ${race['losers']} loser(s) (${(race['errorNames'] as string[]).join(', ') || 'none'}), ${race['lockouts']} lockouts`,
    );
  for (const stall of results.sections['stalls'] ?? [])
    out.push(
      `- ${stall['function']}, ${stall['call']} stalled: ${(stall['failedWith'] as string[]).join(', ') || 'no failed step (the client retried)'}, ` +
        `slowest step ${stall['slowestStepMs']} ms, converged in ${stall['attempts']} attempt(s)`,
    );
  for (const crowd of results.sections['crowd'] ?? [])
    out.push(
      `- ${crowd['secrets']} Postgres secrets at once: ${crowd['rotated']} rotated, ${crowd['loggingIn']} log in, ` +
        `peak ${crowd['peakSessions']} sessions (reserved concurrency ${crowd['reservedConcurrency']}), ${crowd['seconds']} s`,
    );
  for (const bad of results.sections['bad-input'] ?? [])
    out.push(
      `- bad input: ${Number(bad['events']) + Number(bad['secretValues'])} cases (${bad['events']} events, ` +
        `${bad['secretValues']} secret values), ${bad['held']} gave a named error with no change`,
    );
  for (const load of results.sections['endpoint-load'] ?? [])
    out.push(
      `- endpoint: ${load['sent']} mixed requests from ${load['writers']} concurrent writers, SIGKILL after ${load['servedBeforeKill']} answers, ` +
        `${load['answered']} answered in all; ` +
        `${load['acknowledgedVersionsChecked']} acknowledged versions and ${load['acknowledgedTagsChecked']} tag writes checked, ${load['missing']} missing`,
    );
  for (const restart of results.sections['postgres-restart'] ?? [])
    out.push(
      `- Postgres restarted during ${restart['step']} of ${restart['function']} (stopped after ${restart['call']}, down ${restart['downMs']} ms): ` +
        `${restart['runs']} run(s), ${restart['reattempts']} reattempt(s), converged ${restart['convergedAfterRestartMs']} ms after the restart, ` +
        `longest single-user window ${restart['longestWindowMs']} ms, ${restart['violations']} violations`,
    );
  for (const bridging of results.sections['consumer-bridging'] ?? [])
    out.push(
      `- consumer library through ${bridging['windows']} single-user windows in a row: ${bridging['queries']} queries, ${bridging['failed']} failed`,
    );
  for (const soak of results.sections['chaos-soak'] ?? [])
    out.push(
      `- chaos soak (seed ${soak['seed']}, fault rate ${soak['faultRate']}, ${soak['chaosSeconds']} s, ${soak['secrets']} secrets): ` +
        `${soak['rotationsCompleted']}/${soak['rotationsStarted']} rotations completed, ${soak['faultsInjected']} faults injected ` +
        `(${soak['faultsOnClientRetries']} on a client's retry of a fault), ${soak['kills']} processes SIGKILLed, ` +
        `${soak['failedRuns']} runs failed, ${soak['reattempts']} reattempts, ${soak['resumes']} resumes, ` +
        `longest single-user window ${soak['longestSingleUserWindowMs']} ms, healed ${soak['healedAfterMs']} ms after the chaos; ` +
        `${soak['requests']} application requests, ${soak['failedRequests']} failed; ${soak['violations']} violations`,
    );
  for (const fuzz of results.sections['secret-fuzzing'] ?? [])
    out.push(
      `- secret fuzzing of ${fuzz['function']} (seed ${fuzz['seed']}): ${fuzz['cases']} hostile secrets, ${fuzz['rotated']} rotated, ` +
        `the rest refused with named errors (${Object.entries(
          (fuzz['refusedBy'] ?? {}) as Record<string, number>,
        )
          .map(([name, n]) => `${name} ${n}`)
          .join(', ')}); every invariant held`,
    );
  out.push(
    formatLeakCheck(results.leakCheck),
    '',
    `${results.passed ? 'PASSED' : 'FAILED'} in ${results.seconds} s on ${results.machine.cpus} CPUs, Node ${results.machine.node}`,
  );
  return out.join('\n');
}
