import type { RotationStep } from './RotationEvent.js';
import type { RelatedSecretRead } from './RotationTarget.js';

const MAX_SECRETS = 1_000;

/**
 * Which other secrets each step read for a secret, learned from the values this container parsed
 * (ids only, never a value), so the next step can read them alongside its own first reads. A warm
 * container usually runs all four steps of a rotation, so createSecret's read of AWSCURRENT tells
 * setSecret which master secret to read ahead.
 */
export class RelatedSecretHints {
  static readonly #byTarget = new WeakMap<object, RelatedSecretHints>();

  /** The hints of one target: one per warm container's function. */
  static of(target: object): RelatedSecretHints {
    let hints = RelatedSecretHints.#byTarget.get(target);
    if (hints === undefined) {
      hints = new RelatedSecretHints();
      RelatedSecretHints.#byTarget.set(target, hints);
    }
    return hints;
  }

  readonly #bySecret = new Map<string, Map<RotationStep, readonly RelatedSecretRead[]>>();

  learn(secretIds: readonly string[], steps: ReadonlyMap<RotationStep, readonly RelatedSecretRead[]>): void {
    for (const id of secretIds) {
      this.#bySecret.delete(id);
      this.#bySecret.set(id, new Map(steps));
    }
    // Oldest first in a Map: a container serving many secrets keeps the most recent ones.
    for (const id of this.#bySecret.keys()) {
      if (this.#bySecret.size <= MAX_SECRETS) break;
      this.#bySecret.delete(id);
    }
  }

  for(secretId: string, step: RotationStep): readonly RelatedSecretRead[] {
    return this.known(secretId, step) ?? [];
  }

  /** What `step` read for the secret, or undefined when this container has not parsed a value of it yet. */
  known(secretId: string, step: RotationStep): readonly RelatedSecretRead[] | undefined {
    const steps = this.#bySecret.get(secretId);
    return steps === undefined ? undefined : (steps.get(step) ?? []);
  }
}
