import type { Logger } from '@aws-lambda-powertools/logger';
import { DimensionSetMetrics } from './DimensionSetMetrics.js';
import { errorClassOf } from './errorClassOf.js';
import { isSecretsManagerThrottle } from './isSecretsManagerThrottle.js';
import {
  DIMENSIONS,
  METRICS,
  type Outcome,
  ROTATION_DIMENSION_SETS,
  STEP_DIMENSION_SETS,
  type StepValue,
  UNKNOWN_STEP,
} from './metricNames.js';
import type { InvocationMetrics, RotationMetrics } from './RotationMetrics.js';

export interface RotationMetricsOptions {
  readonly namespace: string;
  /** The `function` dimension: the Lambda function's name. */
  readonly functionName: string;
  /** The Powertools service name, as in the logs: a property of each record, not a dimension. */
  readonly serviceName: string;
  /** Receives Powertools' warnings and the note that metrics could not be written. */
  readonly logger: Logger;
  /** Where the records go; tests pass one that fails. */
  readonly metrics?: DimensionSetMetrics;
}

/**
 * Rotations whose start this container saw. Secrets Manager sends a rotation's four steps seconds
 * apart, usually to the same warm container; a container that only ever sees createSecret (the
 * others went elsewhere) must not grow without bound, so the oldest start is forgotten first.
 */
export const MAX_TRACKED_ROTATIONS = 1000;

interface StepRecord {
  readonly step: StepValue;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Classified only in `flush`, whose failures are caught. */
  readonly error?: unknown;
}

/**
 * Step and rotation metrics as CloudWatch embedded metric format records on stdout: no API call,
 * so nothing on the step's path can wait on or fail because of CloudWatch.
 */
export function createRotationMetrics(options: RotationMetricsOptions): RotationMetrics {
  const { functionName, serviceName, logger } = options;
  const metrics =
    options.metrics ??
    new DimensionSetMetrics({ namespace: options.namespace, serviceName, logger: options.logger });
  // `function` names what Powertools' default `service` dimension would: one of them is enough.
  metrics.clearDefaultDimensions();
  const rotationStarts = new Map<string, number>();

  const add = (metric: (typeof METRICS)[keyof typeof METRICS], value: number) =>
    metrics.addMetric(metric.name, metric.unit, value);
  // The sets share dimensions, so they are not added one by one (Powertools would log a WARN for
  // each dimension that two sets share): see DimensionSetMetrics.
  const publish = (dimensionSets: ReadonlyArray<Record<string, string>>, addMetrics: () => void) => {
    addMetrics();
    metrics.addMetadata('service', serviceName);
    metrics.publishWithDimensionSets(dimensionSets);
  };

  return {
    startInvocation(): InvocationMetrics {
      let step: StepRecord | undefined;
      let rotation: { readonly durationMs: number | undefined } | undefined;
      let flushed = false;

      return {
        recordRotationStarted(token, at) {
          if (rotationStarts.has(token)) return;
          if (rotationStarts.size >= MAX_TRACKED_ROTATIONS) {
            const oldest = rotationStarts.keys().next();
            if (oldest.done !== true) rotationStarts.delete(oldest.value);
          }
          rotationStarts.set(token, at.getTime());
        },
        recordStepSucceeded(name, durationMs) {
          step = { step: name, outcome: 'success', durationMs };
        },
        recordStepFailed(name, durationMs, error) {
          step = { step: name ?? UNKNOWN_STEP, outcome: 'failure', durationMs, error };
        },
        recordRotationCompleted(token, { startedAt } = {}) {
          const started = startedAt?.getTime() ?? rotationStarts.get(token);
          rotationStarts.delete(token);
          const durationMs = started === undefined ? undefined : Date.now() - started;
          // A start from another clock (a version's CreatedDate) can be ahead of this one.
          rotation = { durationMs: durationMs !== undefined && durationMs >= 0 ? durationMs : undefined };
        },
        flush() {
          if (flushed) return;
          flushed = true;
          try {
            if (rotation !== undefined) {
              const { durationMs } = rotation;
              const sets = ROTATION_DIMENSION_SETS.map((set) =>
                Object.fromEntries(set.map((name) => [name, functionName])),
              );
              publish(sets, () => {
                add(METRICS.RotationsCompleted, 1);
                if (durationMs !== undefined) add(METRICS.RotationDuration, durationMs);
              });
            }
            if (step !== undefined) publishStep(step);
          } catch (error) {
            dropUnpublished();
            warnNotEmitted(error);
          }
        },
      };
    },
  };

  function publishStep(record: StepRecord): void {
    const values: Record<string, string> = {
      [DIMENSIONS.function]: functionName,
      [DIMENSIONS.step]: record.step,
      [DIMENSIONS.outcome]: record.outcome,
      ...(record.outcome === 'failure' ? { [DIMENSIONS.errorClass]: errorClassOf(record.error) } : {}),
    };
    const sets = STEP_DIMENSION_SETS[record.outcome].map((set) =>
      Object.fromEntries(set.map((name) => [name, values[name] ?? ''])),
    );
    publish(sets, () => {
      add(METRICS.StepInvocations, 1);
      add(METRICS.StepDuration, record.durationMs);
      if (record.outcome === 'failure' && isSecretsManagerThrottle(record.error)) {
        add(METRICS.SecretsManagerThrottles, 1);
      }
    });
  }

  /** What a failed write left behind must not ride along with the next invocation's records. */
  function dropUnpublished(): void {
    try {
      metrics.clearMetrics();
      metrics.clearDimensions();
      metrics.clearMetadata();
    } catch {
      // Nothing more can be done; the next invocation's records may carry stale ones.
    }
  }

  function warnNotEmitted(error: unknown): void {
    try {
      logger.warn('Metrics not emitted', { reason: error instanceof Error ? error.name : typeof error });
    } catch {
      // A logger that cannot write either leaves nothing to report to.
    }
  }
}
