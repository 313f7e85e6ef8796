import { describe, expect, it } from 'vitest';
import {
  CurrentValueMissingError,
  InvalidSecretValueError,
  PendingValueConflictError,
  PendingValueMissingError,
} from '../../../shared/rotation/errors.js';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { useCapturedOutput } from '../../support/captureOutput.js';
import { CURRENT_VERSION, INITIAL_PASSWORD, rotationFixture, TOKEN } from './rotationFixture.js';

const output = useCapturedOutput();

describe('createSecret', () => {
  it('reuses the stored pending value instead of generating a second one', async () => {
    const { store, target, handler, event } = rotationFixture();
    await handler(event('createSecret'));
    const stored = store.valueAt('AWSPENDING');

    await handler(event('createSecret'));
    await handler(event('createSecret'));

    expect(target.generated).toHaveLength(1);
    expect(store.valueAt('AWSPENDING')).toBe(stored);
  });

  it('keeps the value when PutSecretValue stored it but the response was lost', async () => {
    const { store, target, handler, event } = rotationFixture();
    store.failNext('putPending', 'after');

    await handler(event('createSecret'));

    expect(JSON.parse(store.valueAt('AWSPENDING') ?? '{}').password).toBe(target.generated[0]);
    expect(target.discarded).toEqual([]);
  });

  it('discards its value and fails clearly when another invocation stored a different one first', async () => {
    const { store, target, handler, event } = rotationFixture();
    store.failNext('putPending', 'before');
    // The concurrent winner: stored between our failed call and our re-read.
    const realGet = store.getValue.bind(store);
    let reads = 0;
    store.getValue = async (id, selector) => {
      reads++;
      if (reads === 3)
        store.addVersion(TOKEN, JSON.stringify({ password: 'winner-password-1' }), ['AWSPENDING']);
      return realGet(id, selector);
    };

    await expect(handler(event('createSecret'))).rejects.toBeInstanceOf(PendingValueConflictError);
    expect(target.discarded).toEqual(target.generated);
    expect(JSON.parse(store.valueAt('AWSPENDING') ?? '{}').password).toBe('winner-password-1');
  });

  it('discards its value and rethrows when nothing was stored', async () => {
    const { store, target, handler, event } = rotationFixture();
    store.failNext('putPending', 'before');

    await expect(handler(event('createSecret'))).rejects.toBeInstanceOf(SecretsManagerCallError);
    expect(target.discarded).toEqual(target.generated);
    expect(store.valueAt('AWSPENDING')).toBeUndefined();
  });

  it('fails with a named error when there is no AWSCURRENT value', async () => {
    const { store, handler, event } = rotationFixture();
    store.versions.delete(CURRENT_VERSION);

    await expect(handler(event('createSecret'))).rejects.toBeInstanceOf(CurrentValueMissingError);
  });

  it('names the bad key of an invalid current value without quoting the value', async () => {
    const { store, handler, event } = rotationFixture();
    store.addVersion(CURRENT_VERSION, JSON.stringify({ password: 12345678901 }), ['AWSCURRENT']);

    const failure = handler(event('createSecret'));

    await expect(failure).rejects.toBeInstanceOf(InvalidSecretValueError);
    await expect(failure).rejects.toThrow("key 'password' must be a string");
    await failure.catch(() => undefined);
    assertNoSecretLeaks(output.text(), ['12345678901']);
  });

  it('does not echo a current value that is not JSON', async () => {
    const { store, handler, event } = rotationFixture();
    store.addVersion(CURRENT_VERSION, 'not-json-but-secret-s3cr3t', ['AWSCURRENT']);

    await expect(handler(event('createSecret'))).rejects.toThrow('The secret value is not valid JSON');
    assertNoSecretLeaks(output.text(), ['not-json-but-secret-s3cr3t']);
  });
});

describe('setSecret', () => {
  it('fails with a named error when createSecret has not stored a value', async () => {
    const { handler, event } = rotationFixture();

    await expect(handler(event('setSecret'))).rejects.toBeInstanceOf(PendingValueMissingError);
  });

  it('makes the target accept the pending value', async () => {
    const { store, target, handler, event } = rotationFixture();
    await handler(event('createSecret'));

    await handler(event('setSecret'));

    expect(target.accepted.has(JSON.parse(store.valueAt('AWSPENDING') ?? '{}').password)).toBe(true);
  });
});

describe('testSecret', () => {
  it('fails when the target rejects the pending value', async () => {
    const { handler, event } = rotationFixture();
    await handler(event('createSecret'));

    await expect(handler(event('testSecret'))).rejects.toThrow('target rejects the value');
  });

  it('tests the current value when the pending version is a value-less configuration test', async () => {
    const { target, handler, event } = rotationFixture();

    await handler(event('testSecret'));

    expect(target.tested).toEqual([INITIAL_PASSWORD]);
  });
});

describe('finishSecret', () => {
  it('runs the after-finish hook again when it failed after AWSCURRENT moved', async () => {
    const { store, target, handler, event } = rotationFixture();
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) await handler(event(step));
    target.failAfterFinish = true;

    await expect(handler(event('finishSecret'))).rejects.toThrow('after-finish failed');
    expect(store.snapshot()[TOKEN]?.stages).toContain('AWSCURRENT');
    target.failAfterFinish = false;
    await handler(event('finishSecret'));

    expect(target.afterFinishRuns).toBe(2);
    expect(store.snapshot()[CURRENT_VERSION]?.stages).toEqual(['AWSPREVIOUS']);
  });

  it('leaves everything as it was when the label move fails', async () => {
    const { store, handler, event } = rotationFixture();
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) await handler(event(step));
    const before = store.snapshot();
    store.failNext('moveCurrent', 'before');

    await expect(handler(event('finishSecret'))).rejects.toBeInstanceOf(Error);
    expect(store.snapshot()).toEqual(before);
  });
});
