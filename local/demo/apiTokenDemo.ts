import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { seedTokenSecret } from '../token-service/seedTokenSecret.js';
import type { TokenService } from '../token-service/startTokenService.js';
import type { DemoContext, DemoResult, DemoRotation } from './DemoRotation.js';
import { ensureSecretArn, rotateOnce, verdict } from './demoSteps.js';

const SECRET_NAME = 'demo/api-token';

interface StoredToken {
  readonly versionId: string | undefined;
  readonly token: string;
  readonly tokenId: string;
  readonly serviceUrl: string | undefined;
}

const ensureSecret = (client: SecretsManagerClient) =>
  ensureSecretArn(client, {
    Name: SECRET_NAME,
    Description: 'Local demo: a token of the local token service, rotated by the api-token function',
  });

async function stored(
  client: SecretsManagerClient,
  secretArn: string,
  stage: string,
): Promise<StoredToken | undefined> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    const value = JSON.parse(out.SecretString ?? '{}') as {
      token: string;
      tokenId: string;
      settings?: { issue?: { url?: string } };
    };
    return {
      versionId: out.VersionId,
      token: value.token,
      tokenId: value.tokenId,
      serviceUrl: value.settings?.issue?.url,
    };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * Rotates a token of the local token service twice through RotateSecret, then proves the
 * guarantee: the new token works, the previous one still works, the one before is revoked.
 */
export function createApiTokenDemo(service: TokenService): DemoRotation {
  const works = async (token: string) => {
    const response = await fetch(`${service.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    await response.body?.cancel();
    return response.status === 200;
  };

  return {
    name: 'api-token',
    functionName: 'api-token',
    async run(context: DemoContext): Promise<DemoResult> {
      const started = performance.now();
      const { client } = context;
      const secretArn = await ensureSecret(client);
      const existing = await stored(client, secretArn, 'AWSCURRENT');
      let seeded = false;
      // First run, or the token service lost its state or moved: give the secret a working first token.
      if (
        existing === undefined ||
        !existing.serviceUrl?.startsWith(service.url) ||
        !(await works(existing.token))
      ) {
        await seedTokenSecret(context.client, service, secretArn, { extra: { owner: 'demo' } });
        seeded = true;
      }
      const before = await stored(client, secretArn, 'AWSCURRENT');
      const versions: string[] = [];
      for (let round = 0; round < 2; round++)
        versions.push(await rotateOnce(context, secretArn, this.functionName));
      const current = await stored(client, secretArn, 'AWSCURRENT');
      const previous = await stored(client, secretArn, 'AWSPREVIOUS');
      const checks = {
        'AWSCURRENT is the second rotation': current?.versionId === versions[1],
        'AWSPREVIOUS is the first rotation': previous?.versionId === versions[0],
        'the new token works': current !== undefined && (await works(current.token)),
        'the previous token still works': previous !== undefined && (await works(previous.token)),
        'the token before them is revoked': before !== undefined && !(await works(before.token)),
      };
      return verdict(
        this.name,
        `${SECRET_NAME}${seeded ? ' (seeded)' : ''}`,
        checks,
        `token ${before?.tokenId} -> ${previous?.tokenId} -> ${current?.tokenId}; new and previous work, oldest revoked`,
        started,
      );
    },
  };
}
