import { type Env, optionalBoolean, optionalString } from '../config/env.js';
import { createLogger } from '../logging/createLogger.js';
import { createRotationMetrics } from '../metrics/createRotationMetrics.js';
import { DEFAULT_METRICS_NAMESPACE } from '../metrics/metricNames.js';
import { createRotationHandler, type RotationHandler } from '../rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../secrets/createSecretsManagerClient.js';
import { ReadAheadStore } from '../secrets/ReadAheadStore.js';
import { SecretsManagerStore } from '../secrets/SecretsManagerStore.js';
import type { TargetDefinition } from './TargetDefinition.js';

/**
 * A rotation function's whole wiring: config, clients, target and metrics, built once per cold
 * start (call it at module scope); no network until the first invocation.
 */
export function createFunctionHandler(target: TargetDefinition, env: Env): RotationHandler {
  const serviceName = optionalString(env, 'POWERTOOLS_SERVICE_NAME') ?? `${target.name}-rotation`;
  const logger = createLogger(env, serviceName);
  // ROTATION_READ_AHEAD=false makes every read when it is needed: fewer requests, one round trip each.
  const store = new ReadAheadStore(new SecretsManagerStore(createSecretsManagerClient(env)), {
    enabled: optionalBoolean(env, 'ROTATION_READ_AHEAD', true),
  });
  const metrics = createRotationMetrics({
    namespace: optionalString(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE,
    // Lambda sets it; outside Lambda the target's name stands in.
    functionName: optionalString(env, 'AWS_LAMBDA_FUNCTION_NAME') ?? target.name,
    serviceName,
    logger,
  });
  return createRotationHandler({ store, target: target.create(env, store), logger }, metrics);
}
