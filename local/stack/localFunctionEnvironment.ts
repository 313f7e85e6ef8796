import type { LocalSecretsManager } from '../endpoint/LocalSecretsManager.js';

/** The master secret the Postgres demo keeps (alternating users). */
export const LOCAL_MASTER_SECRET_NAME = '/platform/postgres/local-master';

/**
 * The tag on every master secret the local stack's own demos and sample application create (their
 * names carry a per-run prefix): the Postgres functions allow exactly those, by full ARN.
 */
export const SEEDED_MASTER_TAG = { Key: 'local-stack', Value: 'seeded-master' } as const;

export interface LocalFunctionSettings {
  /** The local Secrets Manager's secrets, to find the seeded master's ARN (its suffix is random). */
  readonly secrets: () => LocalSecretsManager | undefined;
  /** The embedded Postgres's CA, when it runs. */
  readonly postgresCaFile: string | undefined;
  /** The local token service, when it runs. */
  readonly tokenServiceUrl: () => string | undefined;
}

/** The full ARNs of the master secrets the local stack seeded, in every Region. */
function seededMasters(secrets: LocalSecretsManager | undefined): string[] {
  if (secrets === undefined) return [];
  const named = secrets.tryFind(LOCAL_MASTER_SECRET_NAME)?.arn;
  const tagged = secrets
    .all()
    .filter((record) =>
      record.tags.some((tag) => tag.Key === SEEDED_MASTER_TAG.Key && tag.Value === SEEDED_MASTER_TAG.Value),
    )
    .map((record) => record.arn);
  return [...new Set([...(named === undefined ? [] : [named]), ...tagged])].sort();
}

/**
 * The functions' configuration on the local stack, as a production deployment would set it: the
 * allow-lists name exactly the master secrets the stack seeds, by full ARN (no admin secret is
 * seeded, so none is allowed), and the token service's own origin, so what a newcomer copies from here is safe. Only
 * plain http to loopback differs from a deployment, because the token service speaks http.
 */
export function localFunctionEnvironment(
  settings: LocalFunctionSettings,
): (functionName: string) => Record<string, string> {
  return (functionName) => {
    const env: Record<string, string> = {};
    if (settings.postgresCaFile !== undefined) env['PG_CA_FILE'] = settings.postgresCaFile;
    if (functionName.startsWith('postgres-')) {
      // Read when a function container starts; whoever seeds a master later restarts the containers.
      env['ALLOWED_MASTER_SECRET_ARNS'] = seededMasters(settings.secrets()).join(',');
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
