import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { generatePassword } from '../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../shared/passwords/PasswordPolicy.js';
import type { DemoContext, DemoResult, DemoRotation } from './DemoRotation.js';
import { ensureSecretArn, rotateOnce, verdict } from './demoSteps.js';

const SECRET_NAME = 'demo/random-value';

const ensureSecret = (client: SecretsManagerClient) =>
  ensureSecretArn(client, {
    Name: SECRET_NAME,
    Description: 'Local demo: a random signing key rotated by the random-value function',
    SecretString: JSON.stringify({ owner: 'demo', password: generatePassword(loadPasswordPolicy({})) }),
  });

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
    const versionId = await rotateOnce(context, secretArn, this.functionName);

    const after = await current(client, secretArn);
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSPREVIOUS' }),
    );
    const checks = {
      'AWSCURRENT is the new version': after.versionId === versionId,
      'AWSPREVIOUS is the old version': previous.VersionId === before.versionId,
      'the password changed': after.value['password'] !== before.value['password'],
      'other keys were kept': after.value['owner'] === before.value['owner'],
    };
    return verdict(this.name, SECRET_NAME, checks, `version ${before.versionId} -> ${versionId}`, started);
  },
};
