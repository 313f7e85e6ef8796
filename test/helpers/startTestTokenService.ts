import {
  startTokenService,
  type TokenService,
  type TokenServiceOptions,
} from '../../local/token-service/startTokenService.js';
import { auditSecrets } from './leakAudit.js';

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
