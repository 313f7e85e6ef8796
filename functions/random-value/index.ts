import { createLogger } from '../../shared/logging/createLogger.js';
import { createRotationHandler } from '../../shared/rotation/createRotationHandler.js';
import { createSecretsManagerClient } from '../../shared/secrets/createSecretsManagerClient.js';
import { SecretsManagerStore } from '../../shared/secrets/SecretsManagerStore.js';
import { createRandomValueTarget } from '../../shared/targets/random-value/createRandomValueTarget.js';
import { loadRandomValueConfig } from '../../shared/targets/random-value/RandomValueConfig.js';

const config = loadRandomValueConfig(process.env);
const logger = createLogger(process.env, 'random-value-rotation');
const store = new SecretsManagerStore(createSecretsManagerClient(process.env));

export const handler = createRotationHandler({ store, target: createRandomValueTarget(config), logger });
