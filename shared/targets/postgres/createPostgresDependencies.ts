import { type Env, optionalString } from '../../config/env.js';
import { lambdaClientSettings } from '../../secrets/lambdaClientSettings.js';
import { lambdaCredentials } from '../../secrets/lambdaCredentials.js';
import type { SecretService } from '../../secrets/SecretStore.js';
import { createPostgresConnector } from './connectPostgres.js';
import { createRdsApi } from './createRdsApi.js';
import type { PostgresTargetDependencies } from './PostgresAccess.js';
import { loadPostgresConfig } from './PostgresConfig.js';
import { rdsDatabaseLookup, rdsTopologyCheck } from './rdsTopology.js';

/** The production wiring shared by both Postgres functions. */
export function createPostgresDependencies(env: Env, store: SecretService): PostgresTargetDependencies {
  const config = loadPostgresConfig(env);
  const rdsEndpoint = optionalString(env, 'AWS_ENDPOINT_URL_RDS') ?? optionalString(env, 'AWS_ENDPOINT_URL');
  const credentials = lambdaCredentials(env);
  const rds = createRdsApi(
    (sdk) =>
      new sdk.RDSClient({
        ...(rdsEndpoint === undefined ? {} : { endpoint: rdsEndpoint }),
        ...(credentials === undefined ? {} : { credentials, ...lambdaClientSettings(env) }),
      }),
  );
  return {
    config,
    store,
    connect: createPostgresConnector({
      ca: config.ca,
      connectTimeoutMs: config.connectTimeoutMs,
      statementTimeoutMs: config.statementTimeoutMs,
    }),
    topology: rdsTopologyCheck(rds),
    database: rdsDatabaseLookup(rds),
    randomPassword: (policy) => store.getRandomPassword(policy),
  };
}
