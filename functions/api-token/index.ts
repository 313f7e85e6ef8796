import { apiToken } from '../../shared/targets/api-token/index.js';
import { createFunctionHandler } from '../../shared/targets/createFunctionHandler.js';

export const handler = createFunctionHandler(apiToken, process.env);
