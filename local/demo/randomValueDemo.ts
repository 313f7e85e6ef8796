import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { generatePassword } from '../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../shared/passwords/PasswordPolicy.js';
import type { DemoContext, DemoResult, DemoRotation } from './DemoRotation.js';

const SECRET_NAME = 'demo/random-value';

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
      Description: 'Local demo: a random signing key rotated by the random-value function',
      SecretString: JSON.stringify({ owner: 'demo', password: generatePassword(loadPasswordPolicy({})) }),
    }),
  );
  if (created.ARN === undefined) throw new Error('CreateSecret returned no ARN');
  return created.ARN;
}

async function current(client: SecretsManagerClient, secretArn: string) {
  const out = await client.send(
    new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }),
  );
  return { versionId: out.VersionId, value: JSON.parse(out.SecretString ?? '{}') as Record<string, unknown> };
}

/** Rotates a JSON secret's `password` key through RotateSecret and checks every label moved. */
export const randomValueDemo: DemoRotation = {
  name: 'random-value',
  functionName: 'random-value',
  async run(context: DemoContext): Promise<DemoResult> {
    const started = performance.now();
    const { client } = context;
    const secretArn = await ensureSecret(client);
    const before = await current(client, secretArn);
    const rotation = await client.send(
      new RotateSecretCommand({
        SecretId: secretArn,
        RotationLambdaARN: `arn:aws:lambda:${context.region}:${context.accountId}:function:${this.functionName}`,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    if (rotation.VersionId === undefined) throw new Error('RotateSecret returned no VersionId');
    await context.waitForRotation(secretArn, rotation.VersionId, 30_000);

    const after = await current(client, secretArn);
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSPREVIOUS' }),
    );
    const checks = {
      'AWSCURRENT is the new version': after.versionId === rotation.VersionId,
      'AWSPREVIOUS is the old version': previous.VersionId === before.versionId,
      'the password changed': after.value['password'] !== before.value['password'],
      'other keys were kept': after.value['owner'] === before.value['owner'],
    };
    const failed = Object.entries(checks).filter(([, ok]) => !ok);
    return {
      name: this.name,
      verified: failed.length === 0,
      detail:
        failed.length === 0
          ? `${SECRET_NAME}: version ${before.versionId} -> ${rotation.VersionId}`
          : `${SECRET_NAME}: failed checks: ${failed.map(([name]) => name).join('; ')}`,
      durationMs: Math.round(performance.now() - started),
    };
  },
};
