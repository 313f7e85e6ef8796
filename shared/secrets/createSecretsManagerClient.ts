import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Env, optionalUrl } from '../config/env.js';

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

/** Builds the one client a function reuses across invocations. Makes no network call. */
export function createSecretsManagerClient(env: Env): SecretsManagerClient {
  const endpoint = resolveSecretsManagerEndpoint(env);
  return new SecretsManagerClient(endpoint === undefined ? {} : { endpoint });
}
