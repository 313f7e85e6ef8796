import { createFunctionHandler } from '../../shared/targets/createFunctionHandler.js';
import { randomValue } from '../../shared/targets/random-value/index.js';

export const handler = createFunctionHandler(randomValue, process.env);
