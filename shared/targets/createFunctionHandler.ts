import type { Env } from '../config/env.js';
import { createLogger } from '../logging/createLogger.js';
import { createRotationHandler, type RotationHandler } from '../rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../secrets/createSecretsManagerClient.js';
import { SecretsManagerStore } from '../secrets/SecretsManagerStore.js';
import type { TargetDefinition } from './TargetDefinition.js';

/**
 * A rotation function's whole wiring: config, clients and target, built once per cold start (call
 * it at module scope); no network until the first invocation.
 */
export function createFunctionHandler(target: TargetDefinition, env: Env): RotationHandler {
  const logger = createLogger(env, `${target.name}-rotation`);
  const store = new SecretsManagerStore(createSecretsManagerClient(env));
  return createRotationHandler({ store, target: target.create(env, store), logger });
}
