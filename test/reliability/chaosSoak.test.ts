import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleApplication, type SampleApplication } from '../../local/consumer/SampleApplication.js';
import { type ConsumerSecrets, seedConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import { steadyRequests } from '../../local/consumer/steadyRequests.js';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import { FAULT_KINDS, type FaultKind } from '../../testing/faults/FaultPlan.js';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { seededRandom } from '../../testing/seededRandom.js';
import { recordFigures } from '../support/recordFigures.js';
import { runCli } from '../support/runCli.js';
import { LANE_FUNCTIONS } from './faultMatrix/startFaultLanes.js';
import { CredentialWatch, type WatchedSecret } from './healing/CredentialWatch.js';
import { type HealingLanes, startHealingLanes } from './healing/startHealingLanes.js';
import { eventually, unfinishedVersion } from './healing/unfinishedVersion.js';

/**
 * Settings: CHAOS_SEED replays a run (it is printed), CHAOS_FAULT_RATE is the chance that any one
 * call of a function is faulted, CHAOS_SOAK_SECONDS how long the chaos lasts.
 */
const SEED = Number(process.env['CHAOS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const FAULT_RATE = Number(process.env['CHAOS_FAULT_RATE'] ?? '0.04');
const CHAOS_MS = Number(process.env['CHAOS_SOAK_SECONDS'] ?? '40') * 1000;
/** A client's retry of a faulted call is faulted again this often. */
const RETRY_FAULT_RATE = 0.5;
/** Mean time between random SIGKILLs of a function's running processes. */
const KILL_EVERY_MS = 1_500;
const SECRETS_PER_FUNCTION = 2;
const REATTEMPT = { delayMs: 300, maxDelayMs: 2_000 };
/** After the chaos stops: every single-user AWSCURRENT works again, and nothing is left stuck, within this. */
const HEAL_BOUND_MS = 45_000;
const PREFIX = 'chaosapp';

type Kind = (typeof LANE_FUNCTIONS)[number];
interface Rotated {
  readonly arn: string;
  readonly kind: Kind;
}

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const replay = `seed ${SEED} (replay with CHAOS_SEED=${SEED} CHAOS_FAULT_RATE=${FAULT_RATE})`;
let lanes: HealingLanes;
let client: SecretsManagerClient;
let appClient: SecretsManagerClient;
let consumer: ConsumerSecrets;
const rotated: Rotated[] = [];

beforeAll(async () => {
  process.stdout.write(`chaos soak: ${replay}, ${CHAOS_MS / 1000} s\n`);
  lanes = await startHealingLanes({
    retry: { maxAttempts: 3, baseDelayMs: 20 },
    reattempt: REATTEMPT,
    schedulerIntervalMs: 100,
    reservedConcurrency: 4,
    // A stalled or cut call costs seconds, not the clients' default minutes.
    functionEnvironment: {
      SECRETS_MANAGER_TIMEOUT_MS: '3000',
      PROVIDER_TIMEOUT_MS: '3000',
      PG_CONNECT_TIMEOUT_MS: '3000',
      PG_STATEMENT_TIMEOUT_MS: '3000',
    },
  });
  client = lanes.env.client;
  appClient = new SecretsManagerClient({
    endpoint: lanes.env.stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'app', secretAccessKey: 'app' },
  });
  for (const kind of LANE_FUNCTIONS)
    for (let i = 0; i < SECRETS_PER_FUNCTION; i++) {
      const subject = await lanes.lane(kind).subject(`chaos/${kind}/s${i}`);
      rotated.push({ arn: subject.arn, kind });
    }
  // The application's own secrets: straight to Postgres and the token service, rotated under chaos too.
  consumer = await seedConsumerSecrets(client, lanes.postgres, lanes.tokens, PREFIX);
  rotated.push(
    { arn: consumer.single, kind: 'postgres-single-user' },
    { arn: consumer.alternating, kind: 'postgres-alternating-users' },
    { arn: consumer.token, kind: 'api-token' },
  );
}, 120_000);

afterAll(async () => {
  appClient?.destroy();
  await lanes?.close();
});

async function current(arn: string, stage = 'AWSCURRENT') {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
  return JSON.parse(out.SecretString ?? '{}') as Record<string, string>;
}

const canLogin = (value: Record<string, unknown>) =>
  lanes.postgres.canLogin(String(value['username']), String(value['password']));
const tokenWorks = (value: Record<string, unknown>) =>
  typeof value['token'] === 'string' && lanes.tokens.state.byValue(value['token'], new Date()) !== undefined;

function watched(): WatchedSecret[] {
  return rotated.flatMap(({ arn, kind }): WatchedSecret[] => {
    switch (kind) {
      case 'random-value':
        return [];
      case 'api-token':
        return [{ arn, rule: 'never-lost', probe: async (value) => tokenWorks(value) }];
      case 'postgres-single-user':
        return [{ arn, rule: 'window', probe: (value) => canLogin(value).catch(() => undefined) }];
      case 'postgres-alternating-users':
        return [{ arn, rule: 'never-lost', probe: (value) => canLogin(value).catch(() => undefined) }];
      default: {
        const unknown: never = kind;
        throw new Error(`no probe for ${String(unknown)}`);
      }
    }
  });
}

/** What must hold for a secret once everything healed. */
async function endViolations({ arn, kind }: Rotated): Promise<string[]> {
  const out = await client.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }));
  const versions = out.Versions ?? [];
  const withStage = (stage: string) => versions.filter((v) => v.VersionStages?.includes(stage));
  const violations: string[] = [];
  if (withStage('AWSCURRENT').length !== 1) violations.push(`${withStage('AWSCURRENT').length} AWSCURRENT`);
  if (withStage('AWSPENDING').length > 1) violations.push(`${withStage('AWSPENDING').length} AWSPENDING`);
  if ((await unfinishedVersion(client, arn)) !== undefined) violations.push('left stuck');
  const hasPrevious = withStage('AWSPREVIOUS').length === 1;
  if (kind === 'postgres-single-user' || kind === 'postgres-alternating-users') {
    const now = await current(arn);
    if (!(await canLogin(now))) violations.push('AWSCURRENT login rejected');
    const alternating = kind === 'postgres-alternating-users';
    if (alternating && hasPrevious && !(await canLogin(await current(arn, 'AWSPREVIOUS'))))
      violations.push('AWSPREVIOUS login rejected');
    const base = String(now['username']).replace(/_clone$/, '');
    const roles = await lanes.postgres.admin(async (c) =>
      (
        await c.query<{ rolname: string }>(
          "SELECT rolname FROM pg_roles WHERE rolname = $1 OR rolname LIKE $1 || '\\_%'",
          [base],
        )
      ).rows.map((r) => r.rolname),
    );
    const orphans = roles.filter((r) => r !== base && r !== `${base}_clone` && r !== `${PREFIX}_master`);
    if (orphans.length > 0) violations.push(`${orphans.length} orphaned role(s)`);
  }
  if (kind === 'api-token') {
    const now = await current(arn);
    const previous = hasPrevious ? await current(arn, 'AWSPREVIOUS') : undefined;
    if (!tokenWorks(now)) violations.push('AWSCURRENT token rejected');
    if (previous !== undefined && !tokenWorks(previous)) violations.push('AWSPREVIOUS token rejected');
    const kept = new Set([now['tokenId'], previous?.['tokenId']]);
    const family = tokenNameFamily('rotation', arn);
    const orphans = lanes.tokens.state.all().filter((t) => t.name.startsWith(family) && !kept.has(t.id));
    if (orphans.length > 0) violations.push(`${orphans.length} orphaned token(s)`);
  }
  return violations.map((v) => `${arn}: ${v}`);
}

/** The latest run of the rotation of `versionId` ended, either way (a failed one waits for a reattempt). */
function runEnded(arn: string, versionId: string): boolean {
  const runs = lanes.env.stack.runner
    .rotations(arn)
    .filter((r) => r.versionId === versionId && r.kind === 'rotation');
  return runs.length > 0 && runs.at(-1)?.outcome !== 'running';
}

describe('chaos soak: every kind of rotation under random kills and faults, then healing', () => {
  it('keeps every working credential, leaves nothing stuck or orphaned, and fails no request of the application', async () => {
    const started: Array<{ arn: string; versionId: string }> = [];
    const unexpected: string[] = [];
    let refusedWhileUnfinished = 0;
    let kills = 0;
    let chaos = true;

    const app: SampleApplication = createSampleApplication({
      client: appClient,
      secrets: consumer,
      caFile: lanes.postgres.caFile,
      tokenServiceUrl: lanes.tokens.url,
      maxAgeSeconds: 2,
      connectionLifetimeSeconds: 1,
    });
    const load = steadyRequests(app, 20);
    const watch = new CredentialWatch(client, watched());
    watch.start(200);
    LANE_FUNCTIONS.forEach((kind, i) => {
      lanes.lane(kind).plan.chaos({
        rate: FAULT_RATE,
        retryRate: RETRY_FAULT_RATE,
        kinds: FAULT_KINDS,
        random: seededRandom(SEED + i + 1),
      });
    });
    const chaosOver = new AbortController();
    const killing = (async () => {
      const pick = seededRandom(SEED + 100);
      while (chaos) {
        await sleep(-Math.log(1 - pick()) * KILL_EVERY_MS, undefined, { signal: chaosOver.signal }).catch(
          () => undefined,
        );
        if (!chaos) break;
        const victim = LANE_FUNCTIONS[Math.floor(pick() * LANE_FUNCTIONS.length)] ?? 'random-value';
        kills += await lanes.env.stack.invoker.kill(victim);
      }
    })();
    const driving = rotated.map(async ({ arn, kind }, i) => {
      const pause = seededRandom(SEED + 200 + i);
      while (chaos) {
        try {
          const out = await client.send(
            new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fn(kind) }),
          );
          const versionId = out.VersionId ?? '';
          started.push({ arn, versionId });
          await eventually(() => runEnded(arn, versionId), 30_000);
        } catch (error) {
          // Stuck: Secrets Manager refuses until the rotation is reattempted and finished.
          if (
            error instanceof InvalidRequestException &&
            error.message.includes("previous rotation isn't complete")
          )
            refusedWhileUnfinished += 1;
          else unexpected.push(`${kind}: ${(error as Error).name}`);
        }
        await sleep(100 + pause() * 400);
      }
    });

    await sleep(CHAOS_MS);
    chaos = false;
    chaosOver.abort();
    for (const kind of LANE_FUNCTIONS) lanes.lane(kind).plan.chaos(undefined);
    const chaosEnded = Date.now();
    await killing;

    // An operator resumes every rotation left unfinished as soon as the chaos stops, whether its
    // last run failed or one is still going (--stuck-after 0), while the stack reattempts too: a
    // resume must be safe at any point of a run, even one in progress.
    let singleUserHealedAfterMs: number | undefined;
    let healedAfterMs: number | undefined;
    const singles = rotated.filter((r) => r.kind === 'postgres-single-user').map((r) => r.arn);
    const allUnfinished = () => Promise.all(rotated.map((r) => unfinishedVersion(client, r.arn)));
    const healing = eventually(
      async () => {
        const rejected = await watch.checkNow();
        if (singleUserHealedAfterMs === undefined && !rejected.some((arn) => singles.includes(arn)))
          singleUserHealedAfterMs = Date.now() - chaosEnded;
        const healthy = rejected.length === 0 && (await allUnfinished()).every((v) => v === undefined);
        if (healthy) healedAfterMs = Date.now() - chaosEnded;
        return healthy;
      },
      HEAL_BOUND_MS,
      200,
    );
    const unfinished: Rotated[] = [];
    for (const secret of rotated)
      if ((await unfinishedVersion(client, secret.arn)) !== undefined) unfinished.push(secret);
    const resumes: Array<{ code: number | null; resumed: boolean }> = [];
    for (let i = 0; i < unfinished.length; i += 3)
      resumes.push(
        ...(await Promise.all(
          unfinished.slice(i, i + 3).map(async ({ arn }) => {
            const run = await runCli(
              lanes.env.stack.url,
              ['rotate', arn, '--wait', '--timeout', '60', '--stuck-after', '0'],
              { PG_CA_FILE: lanes.postgres.caFile },
            );
            return { code: run.code, resumed: run.stdout.includes('resumed and finished') };
          }),
        )),
      );
    await Promise.all(driving);
    // A rotation a driver was starting as the chaos stopped runs to its end without faults.
    const healed =
      (await healing) &&
      (await eventually(async () => (await allUnfinished()).every((v) => v === undefined), 30_000));
    await sleep(3_000);
    const requests = await load.stop();
    await app.end();
    await watch.stop();

    const left = await Promise.all(
      started.map(async (s) => (await unfinishedVersion(client, s.arn)) === s.versionId),
    );
    const violations = [...watch.violations];
    for (const secret of rotated) violations.push(...(await endViolations(secret)));
    const runs = rotated
      .flatMap((r) => lanes.env.stack.runner.rotations(r.arn))
      .filter((r) => r.kind === 'rotation');
    const injected: Partial<Record<FaultKind, number>> = {};
    let injectedOnRetry = 0;
    for (const kind of LANE_FUNCTIONS) {
      const plan = lanes.lane(kind).plan;
      for (const [fault, n] of plan.injected) injected[fault] = (injected[fault] ?? 0) + n;
      injectedOnRetry += plan.injectedOnRetry;
    }
    const figures = {
      seed: SEED,
      faultRate: FAULT_RATE,
      chaosSeconds: CHAOS_MS / 1000,
      secrets: rotated.length,
      rotationsStarted: started.length,
      rotationsCompleted: left.filter((unfinished) => !unfinished).length,
      faultsInjected: Object.values(injected).reduce((n, v) => n + (v ?? 0), 0),
      faultsByKind: injected,
      faultsOnClientRetries: injectedOnRetry,
      failedStepsOnRotationRetries: runs
        .flatMap((r) => r.steps)
        .filter((s) => s.outcome === 'failed' && s.attempt > 1).length,
      kills,
      failedRuns: runs.filter((r) => r.outcome === 'failed').length,
      refusedWhileUnfinished,
      reattempts: runs.filter((r) => r.trigger === 'reattempt').length,
      resumes: resumes.filter((r) => r.resumed).length,
      longestSingleUserWindowMs: watch.longestWindowMs(),
      singleUserHealedAfterMs: singleUserHealedAfterMs ?? null,
      healedAfterMs,
      credentialChecks: watch.checks,
      requests: requests.requests,
      failedRequests: requests.failedRequests,
      violations: violations.length,
    };
    recordFigures('chaos-soak', figures);
    process.stdout.write(`chaos soak figures (${replay}): ${JSON.stringify(figures)}\n`);

    expect(unexpected, replay).toEqual([]);
    expect(healed, replay).toBe(true);
    expect(violations, replay).toEqual([]);
    expect(
      resumes.filter((r) => r.code !== 0 && !r.resumed),
      replay,
    ).toEqual([]);
    expect(singleUserHealedAfterMs, replay).toBeLessThan(HEAL_BOUND_MS);
    expect(requests.failedRequests, `${replay}: ${requests.firstErrors.join('; ')}`).toBe(0);
    // The soak proves something only if the chaos bit: faults, kills and rotations that needed healing.
    expect(figures.faultsInjected).toBeGreaterThan(20);
    expect(kills).toBeGreaterThan(0);
    expect(figures.failedRuns).toBeGreaterThan(0);
    expect(figures.reattempts + figures.resumes).toBeGreaterThan(0);
    expect(started.length).toBeGreaterThan(rotated.length * 3);
  }, 240_000);

  it('leaves no secret value in what the functions, the stack and the database logged', () => {
    const secrets = new Set<string>(lanes.issuedTokens);
    for (const record of lanes.env.stack.secretsManager.store.all())
      for (const version of record.versions)
        if (version.secretString !== undefined)
          for (const value of sensitiveStrings(version.secretString)) secrets.add(value);
    expect(secrets.size).toBeGreaterThan(50);
    assertNoSecretLeaks(lanes.env.log.join('\n'), secrets);
    assertNoSecretLeaks(lanes.postgres.serverLog(), secrets);
  });
});
