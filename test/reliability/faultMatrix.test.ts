import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenService, type TokenService } from '../../local/token-service/startTokenService.js';
import { auditSecrets } from '../helpers/leakAudit.js';
import { recordFigures } from '../helpers/recordFigures.js';
import { assertNoSecretLeaks, sensitiveStrings } from '../helpers/secretLeaks.js';
import { startTestPostgres, type TestPostgres } from '../helpers/startTestPostgres.js';
import { startTestStack, type TestStack } from '../helpers/startTestStack.js';
import { apiTokenLane, type LaneServices, postgresLane, randomValueLane } from './faultMatrix/createLanes.js';
import type { FaultLane } from './faultMatrix/FaultLane.js';
import { checkAfterInvocation, runTrial, type TrialResult } from './faultMatrix/runTrial.js';
import { describeFailures, summarizeTrials } from './faultMatrix/summarizeTrials.js';

const FUNCTIONS = [
  'random-value',
  'api-token',
  'postgres-single-user',
  'postgres-alternating-users',
] as const;

let postgres: TestPostgres;
let tokens: TokenService;
let env: TestStack;
const lanes = new Map<string, FaultLane & { readonly secretsManagerProxy: { readonly url: string } }>();
const issuedTokens: string[] = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
  tokens = await startTokenService({ port: 0, onIssue: (t) => issuedTokens.push(t.token) });
  env = await startTestStack({
    retry: { maxAttempts: 4, baseDelayMs: 10 },
    functionTimeoutMs: 20_000,
    // Each function reaches Secrets Manager through its own fault proxy.
    functionEnvironment: (name) => {
      const url = lanes.get(name)?.secretsManagerProxy.url ?? '';
      return {
        PG_CA_FILE: postgres.caFile,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        SECRETS_MANAGER_ENDPOINT: url,
      };
    },
    afterInvocation: ({ secretArn }) => checkAfterInvocation(secretArn),
  });
  const services: LaneServices = { client: env.client, secretsManagerUrl: env.stack.url, postgres, tokens };
  for (const lane of [
    await randomValueLane(services),
    await apiTokenLane(services),
    await postgresLane(services, 'single-user'),
    await postgresLane(services, 'alternating-users'),
  ]) {
    lane.plan.kill = () => env.stack.invoker.kill(lane.functionName);
    lanes.set(lane.functionName, lane);
  }
}, 120_000);

afterAll(async () => {
  auditSecrets(issuedTokens);
  await env?.close();
  for (const lane of lanes.values()) await lane.close();
  await tokens?.close();
  await postgres?.close();
});

describe('fault matrix: every fault at every external call, retried as Secrets Manager does', () => {
  it.concurrent.each(FUNCTIONS)(
    '%s converges with every invariant kept',
    async (functionName) => {
      const lane = lanes.get(functionName);
      if (lane === undefined) throw new Error(`no lane for ${functionName}`);
      const context = { client: env.client, runner: env.stack.runner };
      const started = performance.now();
      const probe = await runTrial(context, lane, `reliability/${functionName}/probe`);
      expect(probe.converged).toBe(true);
      expect(probe.violations).toEqual([]);
      expect(probe.calls.length).toBeGreaterThan(3);

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
    const secrets = new Set<string>(issuedTokens);
    for (const record of env.stack.secretsManager.store.all())
      for (const version of record.versions)
        if (version.secretString !== undefined)
          for (const value of sensitiveStrings(version.secretString)) secrets.add(value);
    expect(secrets.size).toBeGreaterThan(100);
    expect(env.log.length).toBeGreaterThan(1000);
    assertNoSecretLeaks(env.log.join('\n'), secrets);
    // Every statement the server ran is logged: a password sent in clear text would show up here.
    assertNoSecretLeaks(postgres.serverLog(), secrets);
  });
});
