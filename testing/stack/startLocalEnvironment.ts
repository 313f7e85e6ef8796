import { type LocalPostgres, startLocalPostgres } from '../../local/postgres/startLocalPostgres.js';
import { localFunctionEnvironment } from '../../local/stack/localFunctionEnvironment.js';
import {
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '../../local/stack/startLocalStack.js';
import { startTokenService, type TokenService } from '../../local/token-service/startTokenService.js';

/** Everything the rotation functions talk to locally, on free ports and in temporary state. */
export interface LocalEnvironment {
  readonly postgres: LocalPostgres;
  readonly tokens: TokenService;
  readonly stack: LocalStack;
  close(): Promise<void>;
}

/** A temporary Postgres, token service and stack whose functions trust that Postgres's CA. */
export async function startLocalEnvironment(
  options: Omit<LocalStackOptions, 'port' | 'dataDir'> = {},
): Promise<LocalEnvironment> {
  const postgres = await startLocalPostgres({ port: 0 });
  const tokens = await startTokenService({ port: 0 });
  let secrets: LocalStack['secretsManager']['store'] | undefined;
  // As `npm start` configures the functions, so what runs here is what a newcomer runs.
  const local = localFunctionEnvironment({
    secrets: () => secrets,
    postgresCaFile: postgres.caFile,
    tokenServiceUrl: () => tokens.url,
  });
  const stack = await startLocalStack({
    schedulerIntervalMs: 0,
    ...options,
    port: 0,
    functionEnvironment: (name) => ({ ...local(name), ...options.functionEnvironment?.(name) }),
  });
  secrets = stack.secretsManager.store;
  return {
    postgres,
    tokens,
    stack,
    async close() {
      await stack.close();
      await tokens.close();
      await postgres.close();
    },
  };
}
