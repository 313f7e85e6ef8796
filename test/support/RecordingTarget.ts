import type { RotationTarget } from '../../shared/rotation/RotationTarget.js';
import { parseSecretJson, requireStringKey, type SecretObject } from '../../shared/secrets/secretJson.js';

/**
 * A target whose external system is a set of accepted passwords, so tests can see what set,
 * discard and afterFinish did, and make any of them fail.
 */
export class RecordingTarget implements RotationTarget<SecretObject> {
  readonly name = 'recording';
  readonly accepted = new Set<string>();
  readonly generated: string[] = [];
  readonly discarded: string[] = [];
  readonly tested: string[] = [];
  afterFinishRuns = 0;
  failSet = false;
  failAfterFinish = false;
  #counter = 0;

  parse(secretString: string): SecretObject {
    const object = parseSecretJson(secretString);
    requireStringKey(object, 'password');
    return object;
  }

  serialize(value: SecretObject): string {
    return JSON.stringify(value);
  }

  async generate(current: SecretObject): Promise<SecretObject> {
    this.#counter += 1;
    const password = `generated-password-${this.#counter}-${Math.random().toString(36).slice(2)}`;
    this.generated.push(password);
    return { ...current, password };
  }

  async set(pending: SecretObject): Promise<void> {
    if (this.failSet) throw new Error('set failed');
    this.accepted.add(requireStringKey(pending, 'password'));
  }

  async test(value: SecretObject): Promise<void> {
    const password = requireStringKey(value, 'password');
    this.tested.push(password);
    if (!this.accepted.has(password)) throw new Error('target rejects the value');
  }

  async discard(generated: SecretObject): Promise<void> {
    this.discarded.push(requireStringKey(generated, 'password'));
  }

  async afterFinish(): Promise<void> {
    this.afterFinishRuns += 1;
    if (this.failAfterFinish) throw new Error('after-finish failed');
  }
}
