import { createFunctionHandler } from '../../shared/targets/createFunctionHandler.js';
import { postgresAlternatingUsers } from '../../shared/targets/postgres/index.js';

export const handler = createFunctionHandler(postgresAlternatingUsers, process.env);
