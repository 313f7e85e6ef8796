import { describe, expect, it } from 'vitest';
import { ReadAheadStore } from '../../../shared/secrets/ReadAheadStore.js';
import type { SecretMetadata } from '../../../shared/secrets/SecretMetadata.js';
import type {
  SecretStore,
  SecretVersionValue,
  VersionSelector,
} from '../../../shared/secrets/SecretStore.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app-AbCdEf';

/** Answers every read with a value naming the read, and counts the reads. */
class CountingStore implements SecretStore {
  readonly reads: string[] = [];
  readonly describes: string[] = [];
  failReads = false;
  current = 'v-current';

  async describe(secretId: string): Promise<SecretMetadata> {
    this.describes.push(secretId);
    return { arn: ARN, name: 'app', rotationEnabled: true, versions: new Map(), tags: new Map() };
  }

  async getValue(secretId: string, selector: VersionSelector): Promise<SecretVersionValue | undefined> {
    this.reads.push(`${secretId} ${selector.stage ?? '-'} ${selector.versionId ?? '-'}`);
    const versionId = selector.versionId ?? this.current;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.failReads) throw new Error('read failed');
    if (selector.stage === 'AWSPENDING') return undefined;
    return { versionId, value: `value of ${versionId}` };
  }

  async putPending(): Promise<void> {}
  async moveCurrent(): Promise<void> {}
}

describe('ReadAheadStore', () => {
  it('hands a read started ahead to the first call asking for exactly it, once', async () => {
    const inner = new CountingStore();
    const store = new ReadAheadStore(inner, { enabled: true });
    await store.run(async () => {
      store.prefetchValue('app', { stage: 'AWSCURRENT' });
      expect(inner.reads).toEqual(['app AWSCURRENT -']);
      await expect(store.getValue('app', { stage: 'AWSCURRENT' })).resolves.toEqual({
        versionId: 'v-current',
        value: 'value of v-current',
      });
      expect(inner.reads).toHaveLength(1);
      // A second read by label asks Secrets Manager again: the label may have moved since.
      await store.getValue('app', { stage: 'AWSCURRENT' });
      expect(inner.reads).toHaveLength(2);
    });
  });

  it('answers a read by version id from any read of this invocation that returned that version', async () => {
    const inner = new CountingStore();
    const store = new ReadAheadStore(inner, { enabled: true });
    await store.run(async () => {
      store.prefetchValue('app', { stage: 'AWSCURRENT' });
      store.alias(ARN, 'app');
      // Asked for under the ARN before the read started under the name has answered.
      await expect(store.getValue(ARN, { versionId: 'v-current' })).resolves.toMatchObject({
        value: 'value of v-current',
      });
      await expect(store.getValue(ARN, { versionId: 'v-other' })).resolves.toMatchObject({
        versionId: 'v-other',
      });
    });
    expect(inner.reads).toEqual(['app AWSCURRENT -', `${ARN} - v-other`]);
  });

  it('keeps each invocation to its own reads, also when they run at the same time', async () => {
    const inner = new CountingStore();
    const store = new ReadAheadStore(inner, { enabled: true });
    const first = store.run(async () => {
      store.prefetchValue('app', { stage: 'AWSCURRENT' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return store.getValue('app', { stage: 'AWSCURRENT' });
    });
    const second = store.run(async () => {
      inner.current = 'v-later';
      return store.getValue('app', { stage: 'AWSCURRENT' });
    });
    const [a, b] = await Promise.all([first, second]);
    expect(a?.versionId).toBe('v-current');
    expect(b?.versionId).toBe('v-later');
    expect(inner.reads).toHaveLength(2);
  });

  it('drops a failed read nobody asked for without an unhandled rejection, and hands the failure to one who asks', async () => {
    const inner = new CountingStore();
    inner.failReads = true;
    const store = new ReadAheadStore(inner, { enabled: true });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await store.run(async () => {
        store.prefetchValue('app', { stage: 'AWSPREVIOUS' });
        store.prefetchValue('app', { stage: 'AWSCURRENT' });
        await expect(store.getValue('app', { stage: 'AWSCURRENT' })).rejects.toThrow('read failed');
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('starts nothing ahead when turned off or outside an invocation', async () => {
    const inner = new CountingStore();
    const off = new ReadAheadStore(inner, { enabled: false });
    await off.run(async () => {
      off.prefetchValue('app', { stage: 'AWSCURRENT' });
      off.prefetchDescribe('app');
    });
    const on = new ReadAheadStore(inner, { enabled: true });
    on.prefetchValue('app', { stage: 'AWSCURRENT' });
    expect(inner.reads).toEqual([]);
    expect(inner.describes).toEqual([]);
  });

  it('hands a DescribeSecret started ahead to the first describe of that secret, by name or ARN', async () => {
    const inner = new CountingStore();
    const store = new ReadAheadStore(inner, { enabled: true });
    await store.run(async () => {
      store.prefetchDescribe('app');
      await store.describe('app');
      store.prefetchDescribe('other');
      store.alias(ARN, 'other');
      await store.describe(ARN);
      await store.describe(ARN);
    });
    expect(inner.describes).toEqual(['app', 'other', ARN]);
  });
});
