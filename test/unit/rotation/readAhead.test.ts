import { describe, expect, it } from 'vitest';
import { type ProxiedCall, sequentialRoundTrips } from '../../../scripts/bench/startLatencyProxy.js';
import type {
  EarlyStart,
  RelatedSecretRead,
  RotationContext,
  RotationTarget,
} from '../../../shared/rotation/RotationTarget.js';
import type { SecretStore } from '../../../shared/secrets/SecretStore.js';
import type { SecretObject } from '../../../shared/secrets/secretJson.js';
import { createRotationHarness, VERSION_1 } from '../../support/createRotationHarness.js';
import { RecordingTarget } from '../../support/RecordingTarget.js';

const MASTER = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:master-AbCdEf';

/** Every call held back a few ms, as a regional round trip, and timed. */
function timed(inner: SecretStore, calls: ProxiedCall[]): SecretStore {
  const time =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const startedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 4));
      try {
        return await call(...args);
      } finally {
        calls.push({ operation, startedAt, endedAt: performance.now() });
      }
    };
  return {
    describe: time('DescribeSecret', (id: string) => inner.describe(id)),
    getValue: time('GetSecretValue', (id: string, selector: Parameters<SecretStore['getValue']>[1]) =>
      inner.getValue(id, selector),
    ),
    putPending: time('PutSecretValue', (id: string, v: string, value: string, token: string | undefined) =>
      inner.putPending(id, v, value, token),
    ),
    moveCurrent: time('UpdateSecretVersionStage', (id: string, to: string, from: string | undefined) =>
      inner.moveCurrent(id, to, from),
    ),
  };
}

/** The recording target, plus a master secret its set reads, named by the secret's value. */
class MasterReadingTarget extends RecordingTarget implements RotationTarget<SecretObject> {
  readonly setReads = ['current'] as const;
  masterReads = 0;
  constructor(private readonly store: SecretStore) {
    super();
  }
  relatedSecrets(step: string, value: SecretObject | undefined): readonly RelatedSecretRead[] {
    return step === 'setSecret' && value !== undefined ? [{ secretId: MASTER, describe: true }] : [];
  }
  override async set(pending: SecretObject): Promise<void> {
    await this.store.describe(MASTER);
    await this.store.getValue(MASTER, { stage: 'AWSCURRENT' });
    this.masterReads += 1;
    await super.set(pending);
  }
}

async function rotateTimed(readAhead: boolean, target: 'recording' | 'master') {
  const calls: ProxiedCall[] = [];
  let made: RecordingTarget | undefined;
  const harness = createRotationHarness({
    seed: JSON.stringify({ username: 'app', password: 'initial-password-Xq9' }),
    target: ({ store }) => {
      made = target === 'recording' ? new RecordingTarget() : new MasterReadingTarget(store);
      made.accepted.add('initial-password-Xq9');
      return made;
    },
    serviceName: 'read-ahead-test',
    secrets: (store) => timed(store, calls),
    readAhead,
  });
  const perStep: number[] = [];
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
    const before = calls.length;
    await harness.step(step);
    perStep.push(sequentialRoundTrips(calls.slice(before)));
  }
  return { harness, calls, perStep, target: made };
}

describe('reading ahead', () => {
  it('makes a rotation six sequential Secrets Manager round trips instead of ten, with the same outcome', async () => {
    const ahead = await rotateTimed(true, 'recording');
    const inTurn = await rotateTimed(false, 'recording');
    expect(ahead.perStep).toEqual([2, 1, 1, 2]);
    expect(inTurn.perStep).toEqual([4, 2, 2, 2]);
    for (const run of [ahead, inTurn]) {
      const generated = run.target?.generated[0];
      expect(JSON.parse(run.harness.store.valueAt('AWSCURRENT') ?? '{}').password).toBe(generated);
      expect(run.harness.store.versions.get(VERSION_1)?.stages.has('AWSCURRENT')).toBe(true);
      expect(run.target?.tested).toEqual([generated]);
      expect(run.target?.afterFinishRuns).toBe(1);
    }
  });

  it("reads a master secret alongside setSecret's own reads once the container has seen the secret name it", async () => {
    const ahead = await rotateTimed(true, 'master');
    const inTurn = await rotateTimed(false, 'master');
    // createSecret parsed AWSCURRENT, which names the master: setSecret reads it in its first round.
    expect(ahead.perStep[1]).toBe(1);
    expect(inTurn.perStep[1]).toBe(4);
    expect((ahead.target as MasterReadingTarget).masterReads).toBe(1);
    expect(ahead.harness.store.valueAt('AWSCURRENT')).toContain(ahead.target?.generated[0]);
  });
});

const CONFIGURED = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:configured-master-XyZabc';

/** Names the configured master before it has seen a value, and records every head start. */
class EarlyStartingTarget extends MasterReadingTarget {
  readonly started: Array<{
    step: string;
    related: readonly string[];
    readsDone: number;
    start: EarlyStart;
  }> = [];
  readonly seenBySet: Array<EarlyStart | undefined> = [];
  dropped = 0;
  constructor(
    store: SecretStore,
    private readonly calls: ProxiedCall[],
  ) {
    super(store);
  }
  override relatedSecrets(step: string, value: SecretObject | undefined): readonly RelatedSecretRead[] {
    if (value === undefined) return step === 'setSecret' ? [{ secretId: CONFIGURED, describe: true }] : [];
    return super.relatedSecrets(step, value);
  }
  startEarly(step: string, related: readonly string[]): EarlyStart {
    const start = {
      drop: () => {
        this.dropped += 1;
      },
    };
    this.started.push({ step, related, readsDone: this.calls.length, start });
    return start;
  }
  override async set(pending: SecretObject, _values?: unknown, context?: RotationContext): Promise<void> {
    this.seenBySet.push(context?.earlyStart);
    await super.set(pending);
  }
}

function earlyHarness(readAhead: boolean) {
  const calls: ProxiedCall[] = [];
  let made: EarlyStartingTarget | undefined;
  const harness = createRotationHarness({
    seed: JSON.stringify({ username: 'app', password: 'initial-password-Xq9' }),
    target: ({ store }) => {
      made = new EarlyStartingTarget(store, calls);
      made.accepted.add('initial-password-Xq9');
      return made;
    },
    serviceName: 'start-early-test',
    secrets: (store) => timed(store, calls),
    readAhead,
  });
  if (made === undefined) throw new Error('the harness builds its target');
  return { harness, target: made, calls };
}

describe('starting early', () => {
  it("starts each step's head start before its first read returns, with what the secret's values named once seen", async () => {
    const { harness, target, calls } = earlyHarness(true);
    const readsDoneBefore: number[] = [];
    const step = async (name: 'createSecret' | 'setSecret') => {
      readsDoneBefore.push(calls.length);
      await harness.step(name).catch(() => undefined);
    };
    // Nothing seen yet: what the configuration names.
    await step('setSecret');
    await step('createSecret');
    await step('setSecret');
    expect(target.started.map(({ step, related }) => [step, related])).toEqual([
      ['setSecret', [CONFIGURED]],
      ['createSecret', []],
      // createSecret parsed AWSCURRENT, which names MASTER.
      ['setSecret', [MASTER]],
    ]);
    // Not one of the step's reads had returned yet.
    expect(target.started.map((start) => start.readsDone)).toEqual(readsDoneBefore);
    // The step that started it, and no other, is handed what it started.
    expect(target.seenBySet).toEqual([target.started[2]?.start]);
  });

  it('goes on without a head start when starting early fails', async () => {
    const { harness, target } = earlyHarness(true);
    target.startEarly = () => {
      throw new Error('could not start');
    };
    await harness.rotate();
    expect(target.tested).toHaveLength(1);
  });

  it('drops what the step did not use when the step ends, also when it fails', async () => {
    const { harness, target } = earlyHarness(true);
    await harness.step('createSecret');
    target.failSet = true;
    await expect(harness.step('setSecret')).rejects.toThrow('set failed');
    expect(target.dropped).toBe(2);
    target.failSet = false;
    await harness.step('setSecret');
    expect(target.dropped).toBe(3);
  });

  it('starts nothing early when the function reads in turn', async () => {
    const { harness, target } = earlyHarness(false);
    await harness.rotate();
    expect(target.started).toEqual([]);
    expect(target.dropped).toBe(0);
  });
});
