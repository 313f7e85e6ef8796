import type { LocalSecretsManager } from '../endpoint/LocalSecretsManager.js';

/** The master secret the Postgres demo keeps (alternating users): the one master the local stack allows. */
export const LOCAL_MASTER_SECRET_NAME = '/platform/postgres/local-master';

export interface LocalFunctionSettings {
  /** The local Secrets Manager's secrets, to find the seeded master's ARN (its suffix is random). */
  readonly secrets: () => LocalSecretsManager | undefined;
  /** The embedded Postgres's CA, when it runs. */
  readonly postgresCaFile: string | undefined;
  /** The local token service, when it runs. */
  readonly tokenServiceUrl: () => string | undefined;
}

/**
 * The functions' configuration on the local stack, as a production deployment would set it: the
 * allow-lists name exactly the master secret the stack seeds (no admin secret is seeded, so none is
 * allowed) and the token service's own origin, so what a newcomer copies from here is safe. Only
 * plain http to loopback differs from a deployment, because the token service speaks http.
 */
export function localFunctionEnvironment(
  settings: LocalFunctionSettings,
): (functionName: string) => Record<string, string> {
  return (functionName) => {
    const env: Record<string, string> = {};
    if (settings.postgresCaFile !== undefined) env['PG_CA_FILE'] = settings.postgresCaFile;
    if (functionName.startsWith('postgres-')) {
      // Read when a function container starts: the demo creates the master before it first rotates.
      env['ALLOWED_MASTER_SECRET_ARNS'] = settings.secrets()?.tryFind(LOCAL_MASTER_SECRET_NAME)?.arn ?? '';
    }
    if (functionName === 'api-token') {
      const url = settings.tokenServiceUrl();
      env['ALLOWED_ADMIN_SECRET_ARNS'] = '';
      env['TOKEN_PROVIDER_ALLOW_HTTP_LOOPBACK'] = 'true';
      if (url !== undefined) env['TOKEN_PROVIDER_ALLOWED_ORIGINS'] = new URL(url).origin;
    }
    return env;
  };
}
