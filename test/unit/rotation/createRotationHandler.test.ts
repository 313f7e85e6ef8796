import { describe, expect, it } from 'vitest';
import { CODE_CACHE_USE } from '../../../shared/runtime/codeCacheUse.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { useCapturedOutput } from '../../support/captureOutput.js';
import {
  CURRENT_VERSION,
  INITIAL_PASSWORD,
  ROTATION_TOKEN,
  rotationFixture,
  STEPS,
  TOKEN,
} from './rotationFixture.js';

const output = useCapturedOutput();

describe('a full rotation', () => {
  it('moves AWSCURRENT to the new version and AWSPREVIOUS to the old one', async () => {
    const { store, target, rotate } = rotationFixture();

    await rotate(TOKEN, 1);

    const snapshot = store.snapshot();
    expect(snapshot[TOKEN]?.stages).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect(snapshot[CURRENT_VERSION]?.stages).toEqual(['AWSPREVIOUS']);
    const current = JSON.parse(store.valueAt('AWSCURRENT') ?? '{}') as {
      password: string;
      username: string;
      extra: number;
    };
    expect(current.password).toBe(target.generated[0]);
    expect(current.username).toBe('app');
    expect(current.extra).toBe(42);
    expect(target.accepted.has(target.generated[0] ?? '')).toBe(true);
    expect(target.afterFinishRuns).toBe(1);
  });

  it('reaches the same state when every step runs twice', async () => {
    const once = rotationFixture();
    const twice = rotationFixture();

    for (const step of STEPS) await once.handler(once.event(step));
    for (const step of STEPS) {
      await twice.handler(twice.event(step));
      await twice.handler(twice.event(step));
    }

    const stagesOf = (s: typeof once.store) =>
      Object.fromEntries(Object.entries(s.snapshot()).map(([id, v]) => [id, v.stages]));
    expect(stagesOf(twice.store)).toEqual(stagesOf(once.store));
    expect(twice.target.generated).toHaveLength(1);
    expect(JSON.parse(twice.store.valueAt('AWSCURRENT') ?? '{}').password).toBe(twice.target.generated[0]);
  });

  it('never logs the current value, the new value or the rotation token', async () => {
    const { store, target, rotate } = rotationFixture();

    await rotate(TOKEN, 1);

    const values = Object.values(store.snapshot()).flatMap((v) => (v.value === undefined ? [] : [v.value]));
    assertNoSecretLeaks(output.text(), [...values, ...target.generated, INITIAL_PASSWORD, ROTATION_TOKEN]);
    expect(output.text()).toContain('Step completed');
  });
});

describe('the code cache', () => {
  it("says on a container's first invocation whether the loader compiled the code from its cache, and only then", async () => {
    (globalThis as Record<symbol, unknown>)[CODE_CACHE_USE] = 'accepted';
    try {
      const { handler, event } = rotationFixture();
      await handler(event('createSecret'));
      await handler(event('setSecret'));
      const lines = output
        .text()
        .split('\n')
        .filter((line) => line.includes('Step completed'));
      expect(lines.map((line) => (JSON.parse(line) as { codeCache?: string }).codeCache)).toEqual([
        'accepted',
        undefined,
      ]);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[CODE_CACHE_USE];
    }
  });
});

describe('a crash at any Secrets Manager call', () => {
  it('converges to one new AWSCURRENT value the target accepts, whatever call failed and however', async () => {
    const clean = rotationFixture();
    await clean.rotate(TOKEN, 1);
    const callsInCleanRun = clean.store.calls.length;
    // Every step reads the secret's metadata at least once: a sweep over fewer calls proves nothing.
    expect(callsInCleanRun).toBeGreaterThanOrEqual(STEPS.length);
    let scenarios = 0;

    for (let index = 0; index < callsInCleanRun; index++) {
      for (const when of ['before', 'after'] as const) {
        const { store, target, rotate } = rotationFixture();
        store.failAtCall(index, when);

        await rotate(TOKEN, 3);

        const current = JSON.parse(store.valueAt('AWSCURRENT') ?? '{}').password as string;
        expect(target.accepted.has(current), `call ${index} failing ${when}`).toBe(true);
        expect(current).not.toBe(INITIAL_PASSWORD);
        expect(JSON.parse(store.valueAt('AWSPREVIOUS') ?? '{}').password).toBe(INITIAL_PASSWORD);
        // Every generated value is either the stored one or was discarded: nothing orphaned.
        const kept = target.generated.filter((p) => !target.discarded.includes(p));
        expect(kept, `call ${index} failing ${when}`).toEqual([current]);
        expect([...store.versions.values()].filter((v) => v.stages.has('AWSPENDING'))).toHaveLength(1);
        scenarios++;
      }
    }
    expect(scenarios).toBe(callsInCleanRun * 2);
  });
});
