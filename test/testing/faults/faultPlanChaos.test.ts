import { describe, expect, it } from 'vitest';
import { FaultPlan } from '../../../testing/faults/FaultPlan.js';
import { seededRandom } from '../../../testing/seededRandom.js';

const decisions = (plan: FaultPlan, calls: number, retryKey?: (i: number) => string) =>
  Array.from({ length: calls }, (_, i) => plan.decide('secretsmanager GetSecretValue', retryKey?.(i)));

describe('FaultPlan in chaos mode', () => {
  it('faults calls at about the given rate, with the given kinds, the same way for the same seed', () => {
    const run = () => {
      const plan = new FaultPlan();
      plan.chaos({ rate: 0.1, retryRate: 0.1, kinds: ['error', 'drop'], random: seededRandom(42) });
      return { plan, faults: decisions(plan, 2_000) };
    };
    const first = run();
    const again = run();

    const faulted = first.faults.filter((f) => f !== undefined);
    expect(faulted.length).toBeGreaterThan(150);
    expect(faulted.length).toBeLessThan(250);
    expect(new Set(faulted)).toEqual(new Set(['error', 'drop']));
    expect(again.faults).toEqual(first.faults);
    expect((first.plan.injected.get('error') ?? 0) + (first.plan.injected.get('drop') ?? 0)).toBe(
      faulted.length,
    );
  });

  it("draws a client's retry of a faulted call at the retry rate, and counts faults on retries", () => {
    const plan = new FaultPlan();
    plan.chaos({ rate: 1, retryRate: 0, kinds: ['drop'], random: seededRandom(7) });
    expect(plan.decide('secretsmanager PutSecretValue', 'call-1')).toBe('drop');
    expect(plan.decide('secretsmanager PutSecretValue', 'call-1')).toBeUndefined();

    plan.chaos({ rate: 1, retryRate: 1, kinds: ['cut'], random: seededRandom(7) });
    decisions(plan, 3, () => 'call-2');
    expect(plan.injectedOnRetry).toBe(2);
  });

  it('stops faulting when chaos is turned off', () => {
    const plan = new FaultPlan();
    plan.chaos({ rate: 1, retryRate: 1, kinds: ['error'], random: seededRandom(1) });
    plan.chaos(undefined);

    expect(decisions(plan, 50).filter((f) => f !== undefined)).toEqual([]);
  });
});
