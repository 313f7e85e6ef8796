import type { SecretMetadata } from '../../shared/secrets/SecretMetadata.js';
import type { SecretStore, SecretVersionValue, VersionSelector } from '../../shared/secrets/SecretStore.js';

/** Thrown where the simulated function process dies. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** Where the simulated process dies: at the `index`-th I/O call, before or after it is made. */
export interface CrashPoint {
  readonly index: number;
  readonly when: 'before' | 'after';
}

/**
 * Simulates a function process dying at one I/O call: every call (Secrets Manager or HTTP) goes
 * through `run`; at the chosen call the process "dies" before or after it, and every later call
 * of the same invocation fails too, as nothing runs in a dead process. `nextInvocation` revives it.
 */
export class CrashGate {
  readonly calls: string[] = [];
  /** What was seen happen that is not a crash point (such as a login sending its password). */
  readonly events: string[] = [];
  #dead = false;

  constructor(readonly crashAt?: CrashPoint) {}

  get crashed(): boolean {
    return this.crashAt !== undefined && this.calls.length > this.crashAt.index;
  }

  nextInvocation(): void {
    this.#dead = false;
  }

  async run<T>(label: string, call: () => Promise<T>): Promise<T> {
    if (this.#dead) throw new SimulatedCrash(`process gone before ${label}`);
    const index = this.calls.length;
    this.calls.push(label);
    const here = this.crashAt?.index === index;
    if (here && this.crashAt?.when === 'before') {
      this.#dead = true;
      throw new SimulatedCrash(`crash before ${label}`);
    }
    const result = await call();
    if (here && this.crashAt?.when === 'after') {
      this.#dead = true;
      throw new SimulatedCrash(`crash after ${label}`);
    }
    return result;
  }

  store(inner: SecretStore): SecretStore {
    return {
      describe: (secretId): Promise<SecretMetadata> =>
        this.run('DescribeSecret', () => inner.describe(secretId)),
      getValue: (secretId, selector: VersionSelector): Promise<SecretVersionValue | undefined> =>
        this.run('GetSecretValue', () => inner.getValue(secretId, selector)),
      putPending: (secretId, versionId, value, rotationToken) =>
        this.run('PutSecretValue', () => inner.putPending(secretId, versionId, value, rotationToken)),
      moveCurrent: (secretId, to, from) =>
        this.run('UpdateSecretVersionStage', () => inner.moveCurrent(secretId, to, from)),
    };
  }

  fetch(inner: typeof fetch = fetch): typeof fetch {
    return (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return this.run(`${init?.method ?? 'GET'} ${url.pathname.replace(/tok_\w+/, '{id}')}`, () =>
        inner(input, init),
      );
    };
  }
}
