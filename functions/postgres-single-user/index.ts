import { createFunctionHandler } from '../../shared/targets/createFunctionHandler.js';
import { postgresSingleUser } from '../../shared/targets/postgres/index.js';

export const handler = createFunctionHandler(postgresSingleUser, process.env);
