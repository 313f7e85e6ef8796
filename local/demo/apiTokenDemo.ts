import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import { localTokenServiceSettings } from '../token-service/localTokenServiceSettings.js';
import type { TokenService } from '../token-service/startTokenService.js';
import type { DemoContext, DemoResult, DemoRotation } from './DemoRotation.js';

const SECRET_NAME = 'demo/api-token';

interface StoredToken {
  readonly versionId: string | undefined;
  readonly token: string;
  readonly tokenId: string;
  readonly serviceUrl: string | undefined;
}

async function ensureSecret(client: SecretsManagerClient): Promise<string> {
  try {
    const described = await client.send(new DescribeSecretCommand({ SecretId: SECRET_NAME }));
    if (described.ARN !== undefined) return described.ARN;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const created = await client.send(
    new CreateSecretCommand({
      Name: SECRET_NAME,
      Description: 'Local demo: a token of the local token service, rotated by the api-token function',
    }),
  );
  if (created.ARN === undefined) throw new Error('CreateSecret returned no ARN');
  return created.ARN;
}

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
        const seed = service.state.issue(
          `${tokenNameFamily('rotation', secretArn)}initial`,
          ['read', 'tokens:write'],
          undefined,
          new Date(),
        );
        await client.send(
          new PutSecretValueCommand({
            SecretId: secretArn,
            SecretString: JSON.stringify({
              provider: 'http',
              token: seed.token,
              tokenId: seed.id,
              owner: 'demo',
              settings: localTokenServiceSettings(service.url),
            }),
          }),
        );
        seeded = true;
      }
      const before = await stored(client, secretArn, 'AWSCURRENT');
      const versions: string[] = [];
      for (let round = 0; round < 2; round++) {
        const rotation = await client.send(
          new RotateSecretCommand({
            SecretId: secretArn,
            RotationLambdaARN: `arn:aws:lambda:${context.region}:${context.accountId}:function:${this.functionName}`,
            RotationRules: { AutomaticallyAfterDays: 30 },
          }),
        );
        if (rotation.VersionId === undefined) throw new Error('RotateSecret returned no VersionId');
        await context.waitForRotation(secretArn, rotation.VersionId, 30_000);
        versions.push(rotation.VersionId);
      }
      const current = await stored(client, secretArn, 'AWSCURRENT');
      const previous = await stored(client, secretArn, 'AWSPREVIOUS');
      const checks = {
        'AWSCURRENT is the second rotation': current?.versionId === versions[1],
        'AWSPREVIOUS is the first rotation': previous?.versionId === versions[0],
        'the new token works': current !== undefined && (await works(current.token)),
        'the previous token still works': previous !== undefined && (await works(previous.token)),
        'the token before them is revoked': before !== undefined && !(await works(before.token)),
      };
      const failed = Object.entries(checks).filter(([, ok]) => !ok);
      return {
        name: this.name,
        verified: failed.length === 0,
        detail:
          failed.length === 0
            ? `${SECRET_NAME}${seeded ? ' (seeded)' : ''}: token ${before?.tokenId} -> ${previous?.tokenId} -> ` +
              `${current?.tokenId}; new and previous work, oldest revoked`
            : `${SECRET_NAME}: failed checks: ${failed.map(([name]) => name).join('; ')}`,
        durationMs: Math.round(performance.now() - started),
      };
    },
  };
}
