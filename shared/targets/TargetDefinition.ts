import type { Env } from '../config/env.js';
import type { RotationTarget } from '../rotation/RotationTarget.js';
import type { SecretService } from '../secrets/SecretStore.js';
import type { SecretObject } from '../secrets/secretJson.js';

/**
 * Everything the suite needs to know about one target, in one place: the function of the same
 * name is wired from it, the operator tool verifies stored values with it, and the registry's
 * test checks that the template, the demos and the fault matrix cover it.
 */
export interface TargetDefinition {
  /** The target's name, which is also its function's name (`functions/<name>/`). */
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  /** Builds the target from a function's environment, as its Lambda does at cold start. */
  create(env: Env, store: SecretService): RotationTarget<unknown>;
  /** Whether a stored value looks like this target's, for when no rotation function names it. */
  recognizes(value: SecretObject): boolean;
}
