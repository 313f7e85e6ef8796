import { createLogger } from '../../shared/logging/createLogger.js';
import { createRotationHandler } from '../../shared/rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../../shared/secrets/createSecretsManagerClient.js';
import { SecretsManagerStore } from '../../shared/secrets/SecretsManagerStore.js';
import { loadApiTokenConfig } from '../../shared/targets/api-token/ApiTokenConfig.js';
import { createApiTokenTarget } from '../../shared/targets/api-token/createApiTokenTarget.js';

const config = loadApiTokenConfig(process.env);
const logger = createLogger(process.env, 'api-token-rotation');
const store = new SecretsManagerStore(createSecretsManagerClient(process.env));

export const handler = createRotationHandler({
  store,
  target: createApiTokenTarget({ config, store }),
  logger,
});
