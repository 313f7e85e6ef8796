import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { recordFigures } from '../support/recordFigures.js';
import { runTrial, type TrialResult } from './faultMatrix/runTrial.js';
import { type FaultLanes, LANE_FUNCTIONS, startFaultLanes } from './faultMatrix/startFaultLanes.js';
import { describeFailures, summarizeTrials } from './faultMatrix/summarizeTrials.js';

let lanes: FaultLanes;

beforeAll(async () => {
  lanes = await startFaultLanes();
}, 120_000);

afterAll(async () => {
  await lanes?.close();
});

describe('fault matrix: every fault at every external call, retried as Secrets Manager does', () => {
  it.concurrent.each(LANE_FUNCTIONS)(
    '%s converges with every invariant kept',
    async (functionName) => {
      const lane = lanes.lane(functionName);
      const context = { client: lanes.env.client, runner: lanes.env.stack.runner };
      const started = performance.now();
      const probe = await runTrial(context, lane, `reliability/${functionName}/probe`);
      expect(probe.converged).toBe(true);
      expect(probe.violations).toEqual([]);
      expect(probe.calls.length).toBeGreaterThan(3);
      // A clean rotation is one invocation per step, in order.
      expect(probe.invocations.map((i) => i.step)).toEqual([
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ]);

      const trials: TrialResult[] = [];
      for (const kind of lane.kinds)
        for (let index = 0; index < probe.calls.length; index++)
          trials.push(
            await runTrial(context, lane, `reliability/${functionName}/${kind}-${index}`, { index, kind }),
          );

      const figures = summarizeTrials(functionName, probe, trials, performance.now() - started);
      recordFigures('fault-matrix', { ...figures });
      expect(describeFailures(trials)).toEqual([]);
      expect(figures.converged).toBe(figures.trials);
    },
    900_000,
  );
});

describe('what the functions and the database logged through every fault', () => {
  it('holds no secret value', async () => {
    const secrets = new Set<string>(lanes.issuedTokens);
    for (const record of lanes.env.stack.secretsManager.store.all())
      for (const version of record.versions)
        if (version.secretString !== undefined)
          for (const value of sensitiveStrings(version.secretString)) secrets.add(value);
    expect(secrets.size).toBeGreaterThan(100);
    expect(lanes.env.log.length).toBeGreaterThan(1000);
    assertNoSecretLeaks(lanes.env.log.join('\n'), secrets);
    // Every statement the server ran is logged: a password sent in clear text would show up here.
    assertNoSecretLeaks(lanes.postgres.serverLog(), secrets);
  });
});
