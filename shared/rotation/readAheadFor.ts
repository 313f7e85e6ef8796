import type { ReadAheadStore } from '../secrets/ReadAheadStore.js';
import type { VersionSelector } from '../secrets/SecretStore.js';
import type { RelatedSecretHints } from './RelatedSecretHints.js';
import type { RotationEvent, RotationStep } from './RotationEvent.js';
import type { RelatedSecretRead, RotationTarget } from './RotationTarget.js';

/**
 * Starts, alongside DescribeSecret, every read the step will make in the usual case. The step still
 * reads through the store in its own order and after its own checks; a read it never asks for
 * (the preamble refused, or the value was already there) is dropped unused.
 */
export function readAheadFor<TValue>(
  event: RotationEvent,
  target: RotationTarget<TValue>,
  hints: RelatedSecretHints | undefined,
  readAhead: ReadAheadStore,
): void {
  readAhead.prefetchDescribe(event.secretId);
  for (const selector of ownReads(event.step, event.token, target)) {
    readAhead.prefetchValue(event.secretId, selector);
  }
  const related = new Map<string, RelatedSecretRead>();
  const hinted = [
    ...(target.relatedSecrets?.(event.step, undefined) ?? []),
    ...(hints?.for(event.secretId, event.step) ?? []),
  ];
  for (const read of hinted) {
    const known = related.get(read.secretId);
    related.set(read.secretId, {
      secretId: read.secretId,
      describe: read.describe || known?.describe === true,
    });
  }
  for (const read of related.values()) {
    if (read.describe) readAhead.prefetchDescribe(read.secretId);
    readAhead.prefetchValue(read.secretId, { stage: 'AWSCURRENT' });
  }
}

function ownReads<TValue>(
  step: RotationStep,
  token: string,
  target: RotationTarget<TValue>,
): VersionSelector[] {
  const pending: VersionSelector = { stage: 'AWSPENDING', versionId: token };
  switch (step) {
    case 'createSecret':
      return [pending, { stage: 'AWSCURRENT' }];
    case 'setSecret':
      return [pending, ...(target.setReads?.includes('current') ? [{ stage: 'AWSCURRENT' } as const] : [])];
    case 'testSecret':
      return [pending];
    case 'finishSecret':
      // The token's value and the one AWSCURRENT moves from, which the after-finish hook reads by id.
      return target.afterFinish === undefined ? [] : [pending, { stage: 'AWSCURRENT' }];
  }
}
