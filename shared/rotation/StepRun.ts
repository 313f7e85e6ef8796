import type { SecretMetadata } from '../secrets/SecretMetadata.js';
import type { SecretStore, VersionSelector } from '../secrets/SecretStore.js';
import { InvalidSecretValueError } from './errors.js';
import type { RotationEvent } from './RotationEvent.js';
import type { LazyValues, RotationContext, RotationTarget } from './RotationTarget.js';

export interface ParsedVersion<TValue> {
  readonly versionId: string;
  readonly value: TValue;
}

/** Everything one step invocation works with. */
export interface StepRun<TValue> {
  readonly event: RotationEvent;
  readonly metadata: SecretMetadata;
  readonly store: SecretStore;
  readonly target: RotationTarget<TValue>;
  readonly context: RotationContext;
  /** Sees every value of this secret the step parses (to learn which other secrets it names). */
  readonly onParsed?: (value: TValue) => void;
}

/** Reads and parses one version; `undefined` when it has no value. */
export async function readVersion<TValue>(
  run: StepRun<TValue>,
  selector: VersionSelector,
): Promise<ParsedVersion<TValue> | undefined> {
  const stored = await run.store.getValue(run.metadata.arn, selector);
  if (stored === undefined) return undefined;
  let value: TValue;
  try {
    value = run.target.parse(stored.value);
  } catch (error) {
    const cause = error instanceof Error ? error : new Error('unparseable value');
    throw new InvalidSecretValueError(run.metadata.arn, stored.versionId, selector.stage ?? 'stored', cause);
  }
  run.onParsed?.(value);
  return { versionId: stored.versionId, value };
}

/** Memoised loaders, so a target that never needs AWSPREVIOUS never pays for reading it. */
export function lazyValues<TValue>(
  run: StepRun<TValue>,
  onMissingCurrent: () => Error,
  selectors: { readonly current: VersionSelector; readonly previous: VersionSelector } = {
    current: { stage: 'AWSCURRENT' },
    previous: { stage: 'AWSPREVIOUS' },
  },
): LazyValues<TValue> {
  let current: Promise<TValue> | undefined;
  let previous: Promise<TValue | undefined> | undefined;
  return {
    current() {
      current ??= readVersion(run, selectors.current).then((version) => {
        if (version === undefined) throw onMissingCurrent();
        return version.value;
      });
      return current;
    },
    previous() {
      previous ??= readVersion(run, selectors.previous).then((version) => version?.value);
      return previous;
    },
  };
}
