import { describe, expect, it } from 'vitest';
import {
  RotationNotEnabledError,
  StuckRotationError,
  UnknownVersionError,
  VersionNotPendingError,
} from '../../../shared/rotation/errors.js';
import { useCapturedOutput } from '../../support/captureOutput.js';
import { CURRENT_VERSION, rotationFixture, STEPS, TOKEN } from './rotationFixture.js';

const OTHER = '99999999-8888-4777-8666-555544443333';
// Keeps the expected error logs out of the test report.
useCapturedOutput();

describe('the preamble of every step', () => {
  it.each(STEPS)('%s refuses a secret whose rotation is disabled, changing nothing', async (step) => {
    const { store, handler, event } = rotationFixture();
    store.rotationEnabled = false;
    const before = store.snapshot();

    await expect(handler(event(step))).rejects.toBeInstanceOf(RotationNotEnabledError);
    expect(store.snapshot()).toEqual(before);
  });

  it.each(STEPS)('%s refuses a token that is not a version of the secret', async (step) => {
    const { store, handler, event } = rotationFixture();
    const before = store.snapshot();

    const failure = handler(event(step, OTHER));

    await expect(failure).rejects.toBeInstanceOf(UnknownVersionError);
    await expect(failure).rejects.toThrow(OTHER);
    expect(store.snapshot()).toEqual(before);
  });

  it.each(STEPS)('%s names the stuck version and the command that clears it', async (step) => {
    const { store, handler, event } = rotationFixture();
    store.addVersion(OTHER, undefined, []);
    store.versions.get(OTHER)?.stages.add('AWSPREVIOUS');
    const before = store.snapshot();

    const failure = handler(event(step, OTHER));

    await expect(failure).rejects.toBeInstanceOf(StuckRotationError);
    await expect(failure).rejects.toThrow(
      `update-secret-version-stage --secret-id ${store.arn} --version-stage AWSPENDING --remove-from-version-id ${TOKEN}`,
    );
    expect(store.snapshot()).toEqual(before);
  });

  it.each(STEPS)(
    '%s refuses a version that is neither pending nor current when nothing is pending',
    async (step) => {
      const { store, handler, event } = rotationFixture();
      store.versions.get(TOKEN)?.stages.delete('AWSPENDING');
      store.versions.get(TOKEN)?.stages.add('AWSPREVIOUS');

      await expect(handler(event(step))).rejects.toBeInstanceOf(VersionNotPendingError);
    },
  );

  it.each(['createSecret', 'setSecret', 'testSecret'] as const)(
    '%s does nothing when the token is already AWSCURRENT',
    async (step) => {
      const { store, target, handler, event } = rotationFixture();
      store.versions.get(TOKEN)?.stages.clear();
      store.addVersion(TOKEN, JSON.stringify({ password: 'done-already-1' }), ['AWSCURRENT', 'AWSPENDING']);
      const before = store.snapshot();

      await handler(event(step));

      expect(store.snapshot()).toEqual(before);
      expect(target.generated).toEqual([]);
      expect(target.tested).toEqual([]);
    },
  );

  it('tolerates AWSPENDING left on the current version after a success', async () => {
    const { store, handler, event } = rotationFixture();
    store.versions.delete(TOKEN);
    store.versions.get(CURRENT_VERSION)?.stages.add('AWSPENDING');

    await expect(handler(event('finishSecret', CURRENT_VERSION))).resolves.toBeUndefined();
    expect(store.snapshot()[CURRENT_VERSION]?.stages).toEqual(['AWSCURRENT', 'AWSPENDING']);
  });
});
