import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../support/recordFigures.js';
import { runTrial } from './faultMatrix/runTrial.js';
import { type FaultLanes, startFaultLanes } from './faultMatrix/startFaultLanes.js';

/**
 * Short client timeouts, so a stalled call costs seconds, not the defaults' 5 to 10; long enough
 * that a busy machine's ordinary calls never hit them.
 */
const TIMEOUTS = {
  SECRETS_MANAGER_TIMEOUT_MS: '2000',
  PROVIDER_TIMEOUT_MS: '2000',
  PG_CONNECT_TIMEOUT_MS: '2000',
  PG_STATEMENT_TIMEOUT_MS: '2000',
};
/** A failed invocation must end with one of these named errors, saying it timed out. */
const NAMED_TIMEOUTS = ['ProviderUnavailableError', 'PostgresConnectionError', 'PostgresStatementError'];

let lanes: FaultLanes;

beforeAll(async () => {
  lanes = await startFaultLanes({ functionEnvironment: TIMEOUTS });
}, 120_000);

afterAll(async () => {
  await lanes?.close();
});

describe('a service that stops answering mid-call', () => {
  // `client retry`: the client's own retry of an idempotent call recovers within the step.
  // `named timeout`: the step fails with a named error saying it timed out; the rotation's retry recovers.
  it.each([
    ['random-value', 'secretsmanager PutSecretValue', 'client retry'],
    ['api-token', 'provider POST /v1/tokens', 'named timeout'],
    ['api-token', 'provider GET /v1/me', 'client retry'],
    ['postgres-single-user', 'postgres connect', 'named timeout'],
    ['postgres-single-user', 'postgres ALTER ROLE', 'named timeout'],
    // The master's one batch of changes, which on a first rotation begins by creating the clone.
    ['postgres-alternating-users', 'postgres CREATE ROLE', 'named timeout'],
  ] as const)(
    '%s, stalled at %s: a bounded %s, then the rotation converges',
    async (functionName, label, outcome) => {
      const lane = lanes.lane(functionName);
      const name = `stall/${functionName}/${label.replace(/[^a-z0-9]+/gi, '-')}`;
      const context = { client: lanes.env.client, runner: lanes.env.stack.runner };
      const probe = await runTrial(
        context,
        lane,
        name.replace(/[^/]*$/, (slug) => `probe-${slug}`),
      );
      const index = probe.calls.indexOf(label);
      expect(index).toBeGreaterThanOrEqual(0);

      const trial = await runTrial(context, lane, name, { index, kind: 'stall' });

      expect(trial.hit?.label).toBe(label);
      expect(trial.converged).toBe(true);
      expect(trial.violations).toEqual([]);
      const steps = lanes.env.stack.runner.rotations(trial.arn).at(-1)?.steps ?? [];
      const failed = steps.filter((s) => s.outcome === 'failed');
      if (outcome === 'client retry') expect(failed).toEqual([]);
      else {
        expect(failed).toHaveLength(1);
        expect(NAMED_TIMEOUTS).toContain(failed[0]?.errorType);
        expect(failed[0]?.errorMessage).toMatch(/time(d)? ?out/i);
      }
      const slowest = Math.max(...steps.map((s) => s.durationMs));
      // The function's own timeout is 20 s: every client timeout fired long before it.
      expect(slowest).toBeLessThan(10_000);
      recordFigures('stalls', {
        function: functionName,
        call: label,
        failedWith: [...new Set(failed.map((s) => s.errorType))],
        slowestStepMs: slowest,
        attempts: trial.attempts,
      });
    },
    60_000,
  );
});
