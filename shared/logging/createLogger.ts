import { Logger } from '@aws-lambda-powertools/logger';
import { type Env, optionalString } from '../config/env.js';

/**
 * One logger per function. POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL tune it without a
 * code change; the function's own name stands in for an unset service name.
 */
export function createLogger(env: Env, defaultServiceName: string): Logger {
  return new Logger({ serviceName: optionalString(env, 'POWERTOOLS_SERVICE_NAME') ?? defaultServiceName });
}
