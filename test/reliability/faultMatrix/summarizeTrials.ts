import { FAULT_KINDS, type FaultKind } from '../../../testing/faults/FaultPlan.js';
import type { TrialResult } from './runTrial.js';

export interface KindFigures {
  readonly tried: number;
  readonly reached: number;
  readonly converged: number;
  readonly violations: number;
  readonly maxAttempts: number;
}

export interface LaneFigures {
  readonly function: string;
  /** External calls of one clean rotation: every one is an injection point. */
  readonly injectionPoints: number;
  readonly callsByService: Readonly<Record<string, number>>;
  /** The injection points in order: labels such as `postgres ALTER ROLE`, never a value. */
  readonly calls: readonly string[];
  /** The same calls by the step whose invocation made them. */
  readonly callsByStep: readonly { readonly step: string; readonly calls: readonly string[] }[];
  readonly byKind: Readonly<Partial<Record<FaultKind, KindFigures>>>;
  readonly trials: number;
  /** Invariant checks during the trials: after every invocation and every 100 ms in between. */
  readonly invariantChecks: number;
  readonly converged: number;
  readonly violations: number;
  readonly durationMs: number;
}

export function summarizeTrials(
  functionName: string,
  probe: TrialResult,
  trials: readonly TrialResult[],
  durationMs: number,
): LaneFigures {
  const callsByService: Record<string, number> = {};
  for (const call of probe.calls) {
    const service = call.split(' ')[0] ?? call;
    callsByService[service] = (callsByService[service] ?? 0) + 1;
  }
  const byKind: Partial<Record<FaultKind, KindFigures>> = {};
  for (const kind of FAULT_KINDS) {
    const of = trials.filter((t) => t.fault?.kind === kind);
    if (of.length === 0) continue;
    byKind[kind] = {
      tried: of.length,
      reached: of.filter((t) => t.hit !== undefined).length,
      converged: of.filter((t) => t.converged).length,
      violations: of.reduce((n, t) => n + t.violations.length, 0),
      maxAttempts: Math.max(...of.map((t) => t.attempts)),
    };
  }
  return {
    function: functionName,
    injectionPoints: probe.calls.length,
    callsByService,
    calls: probe.calls,
    callsByStep: probe.invocations.map((invocation, index) => ({
      step: invocation.step,
      calls: probe.calls.slice(invocation.firstCall, probe.invocations[index + 1]?.firstCall),
    })),
    byKind,
    trials: trials.length,
    invariantChecks: trials.reduce((n, t) => n + t.checks, 0),
    converged: trials.filter((t) => t.converged).length,
    violations: trials.reduce((n, t) => n + t.violations.length, 0),
    durationMs: Math.round(durationMs),
  };
}

/** One line per trial that did not converge or broke an invariant, for the assertion message. */
export function describeFailures(trials: readonly TrialResult[]): string[] {
  return trials
    .filter((t) => !t.converged || t.violations.length > 0 || t.hit === undefined)
    .map(
      (t) =>
        `${t.fault?.kind} at #${t.fault?.index} (${t.hit?.label ?? 'not reached'}): ` +
        `${t.converged ? 'converged' : `failed with ${t.error}`} after ${t.attempts} attempt(s)` +
        (t.violations.length > 0 ? `; ${t.violations.join('; ')}` : ''),
    );
}
