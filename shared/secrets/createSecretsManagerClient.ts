import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Env, optionalInteger, optionalUrl } from '../config/env.js';
import { lambdaClientSettings } from './lambdaClientSettings.js';
import { lambdaCredentials } from './lambdaCredentials.js';
import { throttlePatientRetry } from './throttlePatientRetry.js';

/**
 * The endpoint override, most specific first. The SDK reads the two standard variables on its
 * own; they are resolved here too so that `SECRETS_MANAGER_ENDPOINT` (the name AWS's rotation
 * templates use) fits into one documented order instead of silently losing to `AWS_ENDPOINT_URL`.
 */
export function resolveSecretsManagerEndpoint(env: Env): string | undefined {
  const url =
    optionalUrl(env, 'AWS_ENDPOINT_URL_SECRETS_MANAGER') ??
    optionalUrl(env, 'SECRETS_MANAGER_ENDPOINT') ??
    optionalUrl(env, 'AWS_ENDPOINT_URL');
  return url?.toString();
}

/**
 * Builds the one client a function reuses across invocations. Makes no network call.
 * Every request is bounded (`SECRETS_MANAGER_TIMEOUT_MS`, default 5 s): the SDK sets no limit of
 * its own, so a connection that goes silent would hold the step until the Lambda timeout; bounded,
 * the SDK's own retry gets a fresh connection instead. Throttled requests get more tries than others
 * (`SECRETS_MANAGER_THROTTLED_ATTEMPTS`, default 6: at most about 15 s of backoff, well inside a
 * step), so a fleet rotating against the per-Region quotas does not fail steps.
 */
export function createSecretsManagerClient(env: Env): SecretsManagerClient {
  const endpoint = resolveSecretsManagerEndpoint(env);
  const timeoutMs = optionalInteger(env, 'SECRETS_MANAGER_TIMEOUT_MS', {
    min: 100,
    max: 60_000,
    default: 5_000,
  });
  const throttledAttempts = optionalInteger(env, 'SECRETS_MANAGER_THROTTLED_ATTEMPTS', {
    min: 3,
    max: 10,
    default: 6,
  });
  const credentials = lambdaCredentials(env);
  return new SecretsManagerClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials, ...lambdaClientSettings(env) }),
    retryStrategy: throttlePatientRetry(3, throttledAttempts),
    requestHandler: {
      connectionTimeout: Math.min(timeoutMs, 3_000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}
