import type { CaseOutcome } from './runFuzzCase.js';

type Counts = Map<string, number>;

const add = (counts: Counts, name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
const total = (counts: Counts) => [...counts.values()].reduce((a, b) => a + b, 0);
const listed = (counts: Counts) =>
  [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');

/**
 * The key a refusal names: `The secret's key 'host' …` (SecretFormatError, inside
 * InvalidSecretValueError) or `Token secret key 'token' …`; `value` for the text as a whole.
 */
function keyNamed(message: string): string | undefined {
  const key = /\bkey '([^']*)'/.exec(message)?.[1];
  if (key !== undefined) return key;
  return /The secret value /.test(message) ? 'value' : undefined;
}

/** How the cases of one function ended: rotated, or refused by which error, at which step, on which key. */
export class OutcomeTally {
  cases = 0;
  rotated = 0;
  readonly #steps = new Map<string, Counts>();
  readonly #keys = new Map<string, Counts>();

  record(outcome: CaseOutcome): void {
    this.cases += 1;
    if (outcome.rotated) {
      this.rotated += 1;
      return;
    }
    const error = outcome.errorName ?? 'unnamed failure';
    const steps = this.#steps.get(error) ?? new Map<string, number>();
    add(steps, outcome.step ?? 'no step');
    this.#steps.set(error, steps);
    const key = keyNamed(outcome.message);
    if (key !== undefined) {
      const keys = this.#keys.get(error) ?? new Map<string, number>();
      add(keys, key);
      this.#keys.set(error, keys);
    }
  }

  /** How many cases each named error refused. */
  refusals(): Record<string, number> {
    return Object.fromEntries([...this.#steps.entries()].map(([error, steps]) => [error, total(steps)]));
  }

  /** E.g. `40 cases, 5 rotated, 35 refused: InvalidSecretValueError 30 (createSecret 30; keys host 9, …); …` */
  summary(): string {
    const refused = [...this.#steps.entries()]
      .sort(([a, x], [b, y]) => total(y) - total(x) || a.localeCompare(b))
      .map(([error, steps]) => {
        const keys = this.#keys.get(error);
        return `${error} ${total(steps)} (${listed(steps)}${keys === undefined ? '' : `; keys ${listed(keys)}`})`;
      });
    return `${this.cases} cases, ${this.rotated} rotated, ${this.cases - this.rotated} refused${
      refused.length === 0 ? '' : `: ${refused.join('; ')}`
    }`;
  }
}
