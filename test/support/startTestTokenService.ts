import { afterEach } from 'vitest';
import {
  startTokenService,
  type TokenService,
  type TokenServiceOptions,
} from '../../local/token-service/startTokenService.js';
import { auditSecrets } from '../../testing/leaks/leakAudit.js';

/** The local token service on a free port; every token it issues joins the suite's leak check. */
export function startTestTokenService(options: TokenServiceOptions = {}): Promise<TokenService> {
  return startTokenService({
    port: 0,
    ...options,
    onIssue: (token) => {
      auditSecrets([token.token]);
      options.onIssue?.(token);
    },
  });
}

/**
 * Starts token services for the calling test file (`defaults` under each call's options) and
 * closes them after each test.
 */
export function useTokenServices(
  defaults: TokenServiceOptions = {},
): (options?: TokenServiceOptions) => Promise<TokenService> {
  const running: TokenService[] = [];
  afterEach(async () => {
    for (const service of running.splice(0)) await service.close();
  });
  return async (options = {}) => {
    const started = await startTestTokenService({ ...defaults, ...options });
    running.push(started);
    return started;
  };
}
