import { createLogger } from '../../shared/logging/createLogger.js';
import { createRotationHandler } from '../../shared/rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../../shared/secrets/createSecretsManagerClient.js';
import { SecretsManagerStore } from '../../shared/secrets/SecretsManagerStore.js';
import { createPostgresDependencies } from '../../shared/targets/postgres/createPostgresDependencies.js';
import { createSingleUserTarget } from '../../shared/targets/postgres/createSingleUserTarget.js';

const logger = createLogger(process.env, 'postgres-single-user-rotation');
const store = new SecretsManagerStore(createSecretsManagerClient(process.env));

export const handler = createRotationHandler({
  store,
  target: createSingleUserTarget(createPostgresDependencies(process.env, store)),
  logger,
});
