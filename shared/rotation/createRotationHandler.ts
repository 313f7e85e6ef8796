import type { Context } from 'aws-lambda';
import { NO_ROTATION_METRICS, type RotationMetrics } from '../metrics/RotationMetrics.js';
import { codeCacheUse } from '../runtime/codeCacheUse.js';
import { parseRotationEvent, type RotationStep } from './RotationEvent.js';
import { type RotationDependencies, runRotationStep } from './runRotationStep.js';

export type RotationHandler = (event: unknown, context?: Context) => Promise<void>;

/**
 * The Lambda entry point for any target. Per-invocation log keys are cleared after every
 * invocation, because a warm container serves other secrets next. Metrics are written once per
 * invocation, whatever the step did; an event that is not a rotation event counts as a failure of
 * step `unknown`, since its Step cannot be trusted.
 */
export function createRotationHandler<TValue>(
  deps: RotationDependencies<TValue>,
  metrics: RotationMetrics = NO_ROTATION_METRICS,
): RotationHandler {
  const { logger } = deps;
  // How this container's code was compiled, on its first invocation's lines: operators see whether
  // the code cache served the cold start.
  let coldStart = codeCacheUse();
  return async (rawEvent, context) => {
    const started = performance.now();
    const startedAt = new Date();
    const measured = metrics.startInvocation();
    let step: RotationStep | undefined;
    if (context !== undefined) logger.addContext(context);
    try {
      const event = parseRotationEvent(rawEvent);
      step = event.step;
      logger.appendKeys({
        secretId: event.secretId,
        step: event.step,
        versionId: event.token,
        ...(coldStart === undefined ? {} : { codeCache: coldStart }),
      });
      coldStart = undefined;
      if (event.step === 'createSecret') measured.recordRotationStarted(event.token, startedAt);
      const result = await runRotationStep(event, deps, context?.invokedFunctionArn);
      const durationMs = Math.round(performance.now() - started);
      logger.info('Step completed', { durationMs });
      measured.recordStepSucceeded(event.step, durationMs);
      if (result.completedRotation) measured.recordRotationCompleted(event.token);
    } catch (error) {
      logger.error('Step failed', error as Error);
      measured.recordStepFailed(step, Math.round(performance.now() - started), error);
      throw error;
    } finally {
      measured.flush();
      logger.resetKeys();
    }
  };
}
