import { Logger } from '@aws-lambda-powertools/logger';
import { createRotationHandler, type RotationHandler } from '../../shared/rotation/createRotationHandler.js';
import { ROTATION_STEPS, type RotationStep } from '../../shared/rotation/RotationEvent.js';
import type { RotationTarget } from '../../shared/rotation/RotationTarget.js';
import { ReadAheadStore } from '../../shared/secrets/ReadAheadStore.js';
import type { SecretStore } from '../../shared/secrets/SecretStore.js';
import { CrashGate, type CrashPoint } from './CrashGate.js';
import { InMemorySecretStore } from './InMemorySecretStore.js';

export const STEPS = ROTATION_STEPS;
/** The version that holds AWSCURRENT before any rotation. */
export const SEED_VERSION = '0a0b0c0d-1111-4222-8333-444455556666';
/** The ClientRequestToken of the rotation every harness starts with. */
export const VERSION_1 = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
export const VERSION_2 = '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const ROTATION_TOKEN = 'rotation-token-kept-private-123';

export interface RotationHarnessOptions<TValue> {
  /** The value of SEED_VERSION, the secret's AWSCURRENT. */
  readonly seed: string;
  /** The target under test, built on the store and gate every I/O call of the function goes through. */
  readonly target: (io: { readonly store: SecretStore; readonly gate: CrashGate }) => RotationTarget<TValue>;
  readonly serviceName: string;
  /** What the function reads as Secrets Manager around the in-memory store (other secrets, say). */
  readonly secrets?: (store: InMemorySecretStore) => SecretStore;
  readonly crashAt?: CrashPoint;
  /** Sent as every event's RotationToken; none when absent. */
  readonly rotationToken?: string;
  /** As the functions' ROTATION_READ_AHEAD. Default true. */
  readonly readAhead?: boolean;
}

export interface RotationHarness {
  readonly store: InMemorySecretStore;
  readonly gate: CrashGate;
  readonly handler: RotationHandler;
  /** The event Secrets Manager sends for `step` of the rotation `versionId`. */
  event(step: RotationStep, versionId?: string): Record<string, string>;
  /** Invokes one step as a fresh invocation (a crashed process is replaced). */
  step(step: RotationStep, versionId?: string): Promise<void>;
  /** Starts a rotation as RotateSecret does: a value-less AWSPENDING placeholder. */
  begin(versionId: string): void;
  /**
   * The four steps in order; on a failure starts again from createSecret, as Secrets Manager
   * retries. Resolves with the attempt that succeeded, or rejects with the last error.
   */
  rotate(versionId?: string, maxAttempts?: number): Promise<number>;
}

/**
 * One secret in an in-memory Secrets Manager, seeded with an AWSCURRENT value and the placeholder of
 * rotation VERSION_1, and the rotation handler for `target` with a crash injectable at any I/O call.
 */
export function createRotationHarness<TValue>(options: RotationHarnessOptions<TValue>): RotationHarness {
  const store = new InMemorySecretStore().addVersion(SEED_VERSION, options.seed, ['AWSCURRENT']);
  const gate = new CrashGate(options.crashAt);
  // As the functions are wired: the engine and the target share one store that reads ahead.
  const gatedStore = new ReadAheadStore(gate.store(options.secrets?.(store) ?? store), {
    enabled: options.readAhead ?? true,
  });
  const handler = createRotationHandler({
    store: gatedStore,
    target: options.target({ store: gatedStore, gate }),
    logger: new Logger({ serviceName: options.serviceName }),
  });
  const event = (step: RotationStep, versionId = VERSION_1) => ({
    Step: step,
    SecretId: store.arn,
    ClientRequestToken: versionId,
    ...(options.rotationToken === undefined ? {} : { RotationToken: options.rotationToken }),
  });
  const step = async (name: RotationStep, versionId = VERSION_1) => {
    gate.nextInvocation();
    await handler(event(name, versionId));
  };
  const begin = (versionId: string) => void store.addVersion(versionId, undefined, ['AWSPENDING']);
  begin(VERSION_1);
  return {
    store,
    gate,
    handler,
    event,
    step,
    begin,
    async rotate(versionId = VERSION_1, maxAttempts = 3) {
      let lastError: unknown;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
          for (const name of STEPS) await step(name, versionId);
          return attempt;
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError;
    },
  };
}
