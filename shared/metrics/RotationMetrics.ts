import type { RotationStep } from '../rotation/RotationEvent.js';

/** A function's metrics, built once per cold start; each invocation records through its own recorder. */
export interface RotationMetrics {
  startInvocation(): InvocationMetrics;
}

/**
 * What one invocation measured. Nothing is written until `flush`, which the handler calls exactly
 * once, in a `finally`. No method throws: a metric that cannot be written never fails a step.
 */
export interface InvocationMetrics {
  /**
   * The createSecret of rotation `token` began at `at`. Kept in memory for the container's life, so
   * a finishSecret served by the same warm container knows how long the rotation took.
   */
  recordRotationStarted(token: string, at: Date): void;
  recordStepSucceeded(step: RotationStep, durationMs: number): void;
  /** `step` is `undefined` when the event was not a rotation event. */
  recordStepFailed(step: RotationStep | undefined, durationMs: number, error: unknown): void;
  /**
   * finishSecret succeeded for `token`. `startedAt`, when given, is when the rotation began (the
   * pending version's creation, say) and wins over the start this container saw.
   */
  recordRotationCompleted(token: string, options?: { readonly startedAt?: Date }): void;
  /** Writes what was recorded; a second call writes nothing. */
  flush(): void;
}

const NO_INVOCATION_METRICS: InvocationMetrics = {
  recordRotationStarted: () => {},
  recordStepSucceeded: () => {},
  recordStepFailed: () => {},
  recordRotationCompleted: () => {},
  flush: () => {},
};

/** For handlers built without metrics (tests, tools): records nothing. */
export const NO_ROTATION_METRICS: RotationMetrics = { startInvocation: () => NO_INVOCATION_METRICS };
