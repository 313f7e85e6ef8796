import type { Context } from 'aws-lambda';
import { parseRotationEvent } from './RotationEvent.js';
import { type RotationDependencies, runRotationStep } from './runRotationStep.js';

export type RotationHandler = (event: unknown, context?: Context) => Promise<void>;

/**
 * The Lambda entry point for any target. Per-invocation log keys are cleared after every
 * invocation, because a warm container serves other secrets next.
 */
export function createRotationHandler<TValue>(deps: RotationDependencies<TValue>): RotationHandler {
  const { logger } = deps;
  return async (rawEvent, context) => {
    const started = performance.now();
    if (context !== undefined) logger.addContext(context);
    try {
      const event = parseRotationEvent(rawEvent);
      logger.appendKeys({ secretId: event.secretId, step: event.step, versionId: event.token });
      await runRotationStep(event, deps);
      logger.info('Step completed', { durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      logger.error('Step failed', error as Error);
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}
