import { rotateUnderLoad } from '../consumer/rotateUnderLoad.js';
import type { LocalPostgres } from '../postgres/startLocalPostgres.js';
import type { LocalStack } from '../stack/startLocalStack.js';
import type { TokenService } from '../token-service/startTokenService.js';
import type { DemoResult, DemoRotation } from './DemoRotation.js';

/**
 * An application using the consumer library keeps querying Postgres and calling the token
 * service while each kind of rotation runs twice; verified only if no request failed.
 */
export function createSampleApplicationDemo(
  stack: LocalStack,
  postgres: LocalPostgres,
  tokens: TokenService,
): DemoRotation {
  return {
    name: 'sample-application',
    functionName: 'postgres-single-user',
    async run(): Promise<DemoResult> {
      const started = performance.now();
      const result = await rotateUnderLoad({
        stack,
        postgres,
        tokens,
        rotations: 2,
        requestsPerSecond: 60,
        maxAgeSeconds: 1,
        prefix: `sample_${Date.now().toString(36)}`,
        cleanUp: true,
      });
      return {
        name: this.name,
        verified: result.failedRequests === 0,
        detail:
          `${result.requests} requests (${result.requestsPerSecond}/s), ${result.failedRequests} failed, ` +
          `${result.secretsManagerCalls} Secrets Manager calls, while 2 rotations of each kind ran` +
          (result.firstErrors.length === 0 ? '' : `; first errors: ${result.firstErrors.join('; ')}`),
        durationMs: Math.round(performance.now() - started),
      };
    },
  };
}
