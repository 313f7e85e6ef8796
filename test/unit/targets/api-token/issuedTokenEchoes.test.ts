import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { localTokenServiceSettings } from '../../../../local/token-service/localTokenServiceSettings.js';
import type { SecretStore } from '../../../../shared/secrets/SecretStore.js';
import { createApiTokenTarget } from '../../../../shared/targets/api-token/createApiTokenTarget.js';
import { parseTokenSecret } from '../../../../shared/targets/api-token/TokenSecret.js';
import { loopbackApiTokenConfig } from '../../../support/loopbackApiTokenConfig.js';

// What a provider hands back as a new token is checked against the credential the call was made
// with: equal is always refused, containing only where the credential is long enough to be no chance.

const SERVICE = 'http://127.0.0.1:4567';
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:/services/x-AbCdEf';

/** A provider that lists nothing and answers every issue call with `issued`. */
const provider =
  (issued: string): typeof fetch =>
  async (input, init) => {
    const issuing = init?.method === 'POST' && String(input).endsWith('/v1/tokens');
    return new Response(JSON.stringify(issuing ? { token: issued, id: 'tok-1' } : { tokens: [] }), {
      status: issuing ? 201 : 200,
      headers: { 'content-type': 'application/json' },
    });
  };

async function issueWith(currentToken: string, issued: string) {
  const target = createApiTokenTarget({
    config: loopbackApiTokenConfig({ timeoutMs: 1_000, maxAttempts: 1, baseDelayMs: 0 }),
    store: {} as SecretStore,
    fetchImpl: provider(issued),
  });
  const current = parseTokenSecret(
    JSON.stringify({ provider: 'http', token: currentToken, settings: localTokenServiceSettings(SERVICE) }),
  );
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  return target.generate(current, {
    secretArn: ARN,
    versionId: 'v-00000000000000000000000000000001',
    logger,
  });
}

describe('a newly issued token', () => {
  it('is refused when it equals the credential the call was made with, however short', async () => {
    await expect(issueWith('abc', 'abc')).rejects.toMatchObject({ name: 'PrivilegedValueReturnedError' });
  });

  it('is refused when it contains a credential long enough not to occur by chance', async () => {
    await expect(issueWith('cred-0123456789', 'new-cred-0123456789-x')).rejects.toMatchObject({
      name: 'PrivilegedValueReturnedError',
    });
  });

  it('is stored when it merely contains a short credential', async () => {
    const generated = await issueWith('abc', 'xyz-abc-new-token');
    expect(generated.token).toBe('xyz-abc-new-token');
    expect(generated.tokenId).toBe('tok-1');
  });
});
