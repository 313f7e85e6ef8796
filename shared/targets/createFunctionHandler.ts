import { type Env, optionalString } from '../config/env.js';
import { createLogger } from '../logging/createLogger.js';
import { createRotationMetrics } from '../metrics/createRotationMetrics.js';
import { DEFAULT_METRICS_NAMESPACE } from '../metrics/metricNames.js';
import { createRotationHandler, type RotationHandler } from '../rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../secrets/createSecretsManagerClient.js';
import { SecretsManagerStore } from '../secrets/SecretsManagerStore.js';
import type { TargetDefinition } from './TargetDefinition.js';

/**
 * A rotation function's whole wiring: config, clients, target and metrics, built once per cold
 * start (call it at module scope); no network until the first invocation.
 */
export function createFunctionHandler(target: TargetDefinition, env: Env): RotationHandler {
  const serviceName = optionalString(env, 'POWERTOOLS_SERVICE_NAME') ?? `${target.name}-rotation`;
  const logger = createLogger(env, serviceName);
  const store = new SecretsManagerStore(createSecretsManagerClient(env));
  const metrics = createRotationMetrics({
    namespace: optionalString(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE,
    // Lambda sets it; outside Lambda the target's name stands in.
    functionName: optionalString(env, 'AWS_LAMBDA_FUNCTION_NAME') ?? target.name,
    serviceName,
    logger,
  });
  return createRotationHandler({ store, target: target.create(env, store), logger }, metrics);
}
