import { createLogger } from '../../shared/logging/createLogger.js';
import { createRotationHandler } from '../../shared/rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../../shared/secrets/createSecretsManagerClient.js';
import { SecretsManagerStore } from '../../shared/secrets/SecretsManagerStore.js';
import { createAlternatingUsersTarget } from '../../shared/targets/postgres/createAlternatingUsersTarget.js';
import { createPostgresDependencies } from '../../shared/targets/postgres/createPostgresDependencies.js';

const logger = createLogger(process.env, 'postgres-alternating-users-rotation');
const store = new SecretsManagerStore(createSecretsManagerClient(process.env));

export const handler = createRotationHandler({
  store,
  target: createAlternatingUsersTarget(createPostgresDependencies(process.env, store)),
  logger,
});
