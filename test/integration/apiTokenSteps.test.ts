import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { useCapturedOutput } from '../support/captureOutput.js';
import {
  type ApiTokenFixture,
  type ApiTokenFixtureOptions,
  apiTokenFixture,
  ROTATION_TOKEN,
  SEED_VERSION,
  STEPS,
  VERSION_1,
  VERSION_2,
} from './apiTokenFixture.js';

const output = useCapturedOutput();
const open: ApiTokenFixture[] = [];

async function fixture(options: ApiTokenFixtureOptions = {}): Promise<ApiTokenFixture> {
  const created = await apiTokenFixture(options);
  open.push(created);
  return created;
}

afterEach(async () => {
  for (const f of open.splice(0)) {
    // Whatever a test did, no token may have reached the output.
    assertNoSecretLeaks(output.text(), [...f.issued.map((t) => t.token), ROTATION_TOKEN]);
    await f.close();
  }
});

/** After a successful first rotation: the new token is current, the seed previous, both live, nothing else. */
async function expectRotatedOnce(f: ApiTokenFixture): Promise<void> {
  const current = f.tokenAt('AWSCURRENT');
  const previous = f.tokenAt('AWSPREVIOUS');
  expect(f.store.snapshot()[VERSION_1]?.stages).toContain('AWSCURRENT');
  expect(previous?.tokenId).toBe(f.seed.id);
  expect(current?.tokenId).not.toBe(f.seed.id);
  expect(await f.works(current?.token ?? '')).toBe(true);
  expect(await f.works(f.seed.token)).toBe(true);
  expect(f.liveIds()).toEqual([current?.tokenId, f.seed.id].sort());
}

describe('api-token rotation against the local token service', () => {
  it('issues a named token, keeps the previous one live and preserves unknown keys', async () => {
    const f = await fixture();

    await f.rotate(VERSION_1, 1);

    await expectRotatedOnce(f);
    const stored = JSON.parse(f.store.valueAt('AWSCURRENT') ?? '{}') as Record<string, unknown>;
    expect(stored['owner']).toBe('billing');
    expect(stored['provider']).toBe('http');
    expect(typeof stored['settings']).toBe('object');
    const live = f.service.state.all().find((t) => t.id === stored['tokenId']);
    expect(live?.name).toMatch(new RegExp(`^rotation:[0-9a-f]{12}:${VERSION_1}$`));
  });

  it('reaches the same state, issuing one token, when every step runs twice', async () => {
    const f = await fixture();

    for (const step of STEPS) {
      await f.step(step);
      await f.step(step);
    }

    await expectRotatedOnce(f);
    expect(f.issued).toHaveLength(2);
  });

  it('revokes the token that drops out of AWSPREVIOUS on the next rotation', async () => {
    const f = await fixture();
    await f.rotate(VERSION_1, 1);
    const first = f.tokenAt('AWSCURRENT');

    f.begin(VERSION_2);
    await f.rotate(VERSION_2, 1);

    const second = f.tokenAt('AWSCURRENT');
    expect(f.tokenAt('AWSPREVIOUS')?.tokenId).toBe(first?.tokenId);
    expect(await f.works(second?.token ?? '')).toBe(true);
    expect(await f.works(first?.token ?? '')).toBe(true);
    expect(await f.works(f.seed.token)).toBe(false);
    expect(f.liveIds()).toEqual([first?.tokenId, second?.tokenId].sort());
  });

  it('never revokes a token it did not issue', async () => {
    const f = await fixture();
    const foreign = f.service.state.issue('ci-deploy-token', ['read'], undefined, new Date());
    await f.rotate(VERSION_1, 1);
    f.begin(VERSION_2);

    await f.rotate(VERSION_2, 1);

    expect(f.liveIds()).toContain(foreign.id);
    expect(await f.works(foreign.token)).toBe(true);
  });

  it('revokes the new token when storing it fails, then converges on the retry', async () => {
    const f = await fixture();
    f.store.failNext('putPending', 'before');

    await expect(f.step('createSecret')).rejects.toThrow();

    expect(f.issued).toHaveLength(2);
    expect(f.liveIds()).toEqual([f.seed.id]);
    await f.rotate(VERSION_1, 1);
    await expectRotatedOnce(f);
  });

  it('revokes, on the retry, a token issued by an attempt that crashed before PutSecretValue', async () => {
    const probe = await fixture();
    await probe.rotate(VERSION_1, 1);
    const issueIndex = probe.gate.calls.indexOf('POST /v1/tokens');
    expect(issueIndex).toBeGreaterThan(0);

    const f = await fixture({ crashAt: { index: issueIndex, when: 'after' } });
    await expect(f.step('createSecret')).rejects.toMatchObject({ name: 'ProviderUnavailableError' });
    expect(f.gate.crashed).toBe(true);
    expect(f.store.snapshot()[VERSION_1]?.value).toBeUndefined();
    const orphan = f.issued[1];
    expect(f.liveIds()).toContain(orphan?.id);

    await f.step('createSecret');

    expect(f.liveIds()).not.toContain(orphan?.id);
    expect(f.liveIds()).toHaveLength(2);
    await f.rotate(VERSION_1, 1);
    await expectRotatedOnce(f);
  });
});

describe('a crash at any call converges to one new live token and no orphan', () => {
  it('is tried at every Secrets Manager and provider call, before and after it', async () => {
    const probe = await fixture();
    await probe.rotate(VERSION_1, 1);
    const calls = [...probe.gate.calls];
    expect(calls).toContain('PutSecretValue');
    expect(calls).toContain('POST /v1/tokens');
    expect(calls).toContain('GET /v1/me');
    expect(calls).toContain('UpdateSecretVersionStage');

    expect(calls.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (let index = 0; index < calls.length; index++) {
      for (const when of ['before', 'after'] as const) {
        const f = await fixture({ crashAt: { index, when } });
        try {
          await f.rotate(VERSION_1, 3);
          expect(f.gate.crashed).toBe(true);
          await expectRotatedOnce(f);
        } catch (error) {
          failures.push(`${when} ${calls[index]} (#${index}): ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('provider failures', () => {
  it('names a revoked current token (401) and tells the operator what to do', async () => {
    const f = await fixture();
    f.service.state.revoke(f.seed.id);

    const error = await f.step('createSecret').catch((e: unknown) => e as Error);

    expect(error).toMatchObject({ name: 'TokenRejectedError', operation: 'list tokens' });
    expect((error as Error).message).toContain('put-secret-value');
    expect(f.issued).toHaveLength(1);
  });

  it('tells a missing scope (403) apart from a rejected token', async () => {
    const f = await fixture({ seedScopes: ['read'] });

    const error = await f.step('createSecret').catch((e: unknown) => e as Error);

    expect(error).toMatchObject({ name: 'TokenScopeError', operation: 'list tokens' });
    expect((error as Error).message).toContain('scope');
  });

  it('reports 403 from testSecret when the new token lacks the verify scope', async () => {
    const f = await fixture();
    await f.step('createSecret');
    await f.step('setSecret');
    f.service.injectFault({ method: 'GET', path: '/v1/me', status: 403, count: 1 });

    await expect(f.step('testSecret')).rejects.toMatchObject({
      name: 'TokenScopeError',
      operation: 'verify the token',
    });
  });

  it('retries 429 on issue and succeeds', async () => {
    const f = await fixture();
    f.service.injectFault({ method: 'POST', path: '/v1/tokens', status: 429, count: 1 });
    const postsBefore = f.service.requests.get('POST /v1/tokens') ?? 0;

    await f.rotate(VERSION_1, 1);

    await expectRotatedOnce(f);
    expect((f.service.requests.get('POST /v1/tokens') ?? 0) - postsBefore).toBe(2);
  });

  it('does not repeat an issue that answered 500, so no duplicate can be left behind', async () => {
    const f = await fixture();
    f.service.injectFault({ method: 'POST', path: '/v1/tokens', status: 500, count: 1 });

    const error = await f.step('createSecret').catch((e: unknown) => e as Error);

    expect(error).toMatchObject({ name: 'ProviderUnavailableError', attempts: 1, lastStatus: 500 });
    expect(f.service.requests.get('POST /v1/tokens')).toBe(1);
    await f.rotate(VERSION_1, 1);
    await expectRotatedOnce(f);
  });

  it('gives up on 5xx after the bounded attempts with a named error', async () => {
    const f = await fixture({ maxAttempts: 3 });
    await f.step('createSecret');
    await f.step('setSecret');
    f.service.injectFault({ path: '/v1/me', status: 503, count: 10 });

    const error = await f.step('testSecret').catch((e: unknown) => e as Error);

    expect(error).toMatchObject({ name: 'ProviderUnavailableError', attempts: 3, lastStatus: 503 });
    expect(f.service.requests.get('GET /v1/me')).toBe(3);
  });

  it('bounds a slow provider by the timeout', async () => {
    const f = await fixture({ timeoutMs: 150, maxAttempts: 2 });
    f.service.injectFault({ path: '/v1/tokens', delayMs: 1_000, count: 2 });

    const error = await f.step('createSecret').catch((e: unknown) => e as Error);

    expect(error).toMatchObject({ name: 'ProviderUnavailableError', attempts: 2, lastStatus: undefined });
    expect((error as Error).message).toContain('no response or timeout');
  });

  it('keeps every token out of error messages and properties', async () => {
    const f = await fixture();
    f.service.state.revoke(f.seed.id);
    const error = await f.step('createSecret').catch((e: unknown) => e as Error);

    const serialized = JSON.stringify({ ...error, message: error?.message, stack: error?.stack });
    assertNoSecretLeaks(serialized, [f.seed.token]);
  });
});

describe('a provider that holds one live token', () => {
  it('is refused without an admin secret unless the function opts in: nothing is issued', async () => {
    const f = await fixture({ singleLiveToken: true, allowSingleLiveWithoutAdmin: false });

    await expect(f.step('createSecret')).rejects.toMatchObject({ name: 'SingleLiveTokenError' });

    expect(f.issued.map((t) => t.id)).toEqual([f.seed.id]);
    expect(await f.works(f.seed.token)).toBe(true);
  });

  it('with the opt-in, rotates, says so in the log, and leaves the new token as the only live one', async () => {
    const f = await fixture({ singleLiveToken: true });

    await f.rotate(VERSION_1, 1);

    const current = f.tokenAt('AWSCURRENT');
    expect(await f.works(current?.token ?? '')).toBe(true);
    expect(await f.works(f.seed.token)).toBe(false);
    expect(f.liveIds()).toEqual([current?.tokenId]);
    expect(output.text()).toContain('Provider allows one live token');
    expect(f.store.snapshot()[SEED_VERSION]?.stages).toEqual(['AWSPREVIOUS']);
  });
});
