import { describe, expect, it } from 'vitest';
import type { LocalSecretsManager } from '../../../local/endpoint/LocalSecretsManager.js';
import {
  LOCAL_MASTER_SECRET_NAME,
  localFunctionEnvironment,
  SEEDED_MASTER_TAG,
} from '../../../local/stack/localFunctionEnvironment.js';
import { loadApiTokenConfig } from '../../../shared/targets/api-token/ApiTokenConfig.js';
import { loadPostgresConfig } from '../../../shared/targets/postgres/PostgresConfig.js';

const MASTER_ARN = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${LOCAL_MASTER_SECRET_NAME}-AbCdEf`;
const OTHER_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:/platform/other-master-XyZabc';
const SAMPLE_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:/platform/sample_x/master-QwErTy';

/**
 * Only what the environment reads of the store: the demo's master by its name, the sample
 * application's by the seeding tag, and a master someone else made, untagged.
 */
const storeWithMaster = (present: boolean) =>
  ({
    tryFind: (id: string) => (present && id === LOCAL_MASTER_SECRET_NAME ? { arn: MASTER_ARN } : undefined),
    all: () =>
      present
        ? [
            { arn: MASTER_ARN, tags: [] },
            { arn: SAMPLE_ARN, tags: [SEEDED_MASTER_TAG] },
            { arn: OTHER_ARN, tags: [{ Key: 'local-stack', Value: 'other' }] },
          ]
        : [],
  }) as unknown as LocalSecretsManager;

describe('the local functions environment', () => {
  it('lets the Postgres functions use exactly the master secrets the stack seeded', () => {
    const env = localFunctionEnvironment({
      secrets: () => storeWithMaster(true),
      postgresCaFile: '/tmp/ca.pem',
      tokenServiceUrl: () => 'http://127.0.0.1:4567',
    });
    for (const name of ['postgres-single-user', 'postgres-alternating-users']) {
      const config = loadPostgresConfig({ ...env(name), PG_CA_FILE: undefined });
      expect(config.allowedMasterSecrets.patterns).toEqual([MASTER_ARN, SAMPLE_ARN].sort());
      expect(config.allowedMasterSecrets.allows(OTHER_ARN)).toBe(false);
      expect(env(name)['PG_CA_FILE']).toBe('/tmp/ca.pem');
    }
  });

  it('allows no master before the demo seeds one, and no admin secret at all', () => {
    const env = localFunctionEnvironment({
      secrets: () => storeWithMaster(false),
      postgresCaFile: undefined,
      tokenServiceUrl: () => 'http://127.0.0.1:4567',
    });
    expect(loadPostgresConfig(env('postgres-single-user')).allowedMasterSecrets.patterns).toEqual([]);
    expect(loadApiTokenConfig(env('api-token')).allowedAdminSecrets.patterns).toEqual([]);
  });

  it("sends tokens only to the token service's own origin", () => {
    const env = localFunctionEnvironment({
      secrets: () => undefined,
      postgresCaFile: undefined,
      tokenServiceUrl: () => 'http://127.0.0.1:4567/',
    });
    const config = loadApiTokenConfig(env('api-token'));
    expect(config.policy.allowedOrigins).toEqual(['http://127.0.0.1:4567']);
    expect(config.policy.allowHttpLoopback).toBe(true);
    expect(env('random-value')).toEqual({});
  });
});
