import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTokenServiceSettings } from '../../local/token-service/localTokenServiceSettings.js';
import { seedTokenSecret } from '../../local/token-service/seedTokenSecret.js';
import type { TokenService } from '../../local/token-service/startTokenService.js';
import type { ServiceToken } from '../../local/token-service/TokenServiceState.js';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { startTestStack, type TestStack } from '../support/startTestStack.js';
import { startTestTokenService } from '../support/startTestTokenService.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:api-token';
const ADMIN_TOKEN = 'lts_admin_local_only_9f3b2c71d4e8a6';
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

let env: TestStack;
let client: SecretsManagerClient;
let service: TokenService;
const issued: ServiceToken[] = [];

beforeAll(async () => {
  service = await startTestTokenService({ adminTokens: [ADMIN_TOKEN], onIssue: (t) => issued.push(t) });
  env = await startTestStack();
  client = env.client;
});

afterAll(async () => {
  try {
    expect(env.log.some((line) => line.includes('Issued a new token'))).toBe(true);
    // Every line the stack and the function wrote, across all tests of this file.
    assertNoSecretLeaks(env.log.join('\n'), [...issued.map((t) => t.token), ADMIN_TOKEN]);
  } finally {
    await env?.close();
    await service?.close();
  }
});

/** A token secret whose first token carries the rotator's name, so rotation may retire it. */
async function tokenSecret(
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ arn: string; seed: ServiceToken }> {
  const created = await client.send(new CreateSecretCommand({ Name: name }));
  const arn = created.ARN ?? '';
  const { seed } = await seedTokenSecret(client, service, arn, { extra: { team: 'billing', ...extra } });
  issued.push(seed);
  return { arn, seed };
}

async function rotate(secretArn: string): Promise<string> {
  const out = await client.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  await env.stack.runner.waitForRotation(secretArn, out.VersionId ?? '', 20_000);
  return out.VersionId ?? '';
}

async function tokenAt(
  secretArn: string,
  stage: string,
): Promise<{ token: string; tokenId: string; versionId: string }> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
  const value = JSON.parse(out.SecretString ?? '{}') as { token: string; tokenId: string };
  return { token: value.token, tokenId: value.tokenId, versionId: out.VersionId ?? '' };
}

async function works(token: string): Promise<boolean> {
  const response = await fetch(`${service.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status === 200;
}

describe('api-token rotation through RotateSecret with the built function', () => {
  it('keeps AWSCURRENT and AWSPREVIOUS live and revokes the token before them', async () => {
    const { arn, seed } = await tokenSecret('services/billing/dev/partner-api');

    const first = await rotate(arn);
    const afterFirst = await tokenAt(arn, 'AWSCURRENT');
    expect(afterFirst.versionId).toBe(first);
    expect(await works(afterFirst.token)).toBe(true);
    expect(await works(seed.token)).toBe(true);

    await rotate(arn);
    const current = await tokenAt(arn, 'AWSCURRENT');
    const previous = await tokenAt(arn, 'AWSPREVIOUS');

    expect(previous.tokenId).toBe(afterFirst.tokenId);
    expect(await works(current.token)).toBe(true);
    expect(await works(previous.token)).toBe(true);
    expect(await works(seed.token)).toBe(false);
    const family = service.state.all().filter((t) => t.name.startsWith(tokenNameFamily('rotation', arn)));
    expect(family.map((t) => t.id).sort()).toEqual([current.tokenId, previous.tokenId].sort());
    const stored = JSON.parse(
      (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '{}',
    ) as Record<string, unknown>;
    expect(stored['team']).toBe('billing');
  });

  it('changes nothing when every step of a finished rotation is invoked again, twice', async () => {
    const arn = (await tokenSecret('services/billing/dev/replayed')).arn;
    const versionId = await rotate(arn);
    const tokensBefore = service.state
      .all()
      .map((t) => t.id)
      .sort();
    const versionsBefore = await client.send(new ListSecretVersionIdsCommand({ SecretId: arn }));

    for (const step of STEPS) {
      for (let run = 0; run < 2; run++) {
        const result = await env.stack.invoker.invoke(
          'api-token',
          { Step: step, SecretId: arn, ClientRequestToken: versionId },
          FUNCTION_ARN,
        );
        expect(result.ok).toBe(true);
      }
    }

    const versionsAfter = await client.send(new ListSecretVersionIdsCommand({ SecretId: arn }));
    expect(
      service.state
        .all()
        .map((t) => t.id)
        .sort(),
    ).toEqual(tokensBefore);
    expect(versionsAfter.Versions?.map((v) => [v.VersionId, v.VersionStages?.sort()])).toEqual(
      versionsBefore.Versions?.map((v) => [v.VersionId, v.VersionStages?.sort()]),
    );
  });

  it('issues with an admin secret, described by the admin secret, that the rotated token does not contain', async () => {
    // The admin secret describes where its token goes; the token secret only names it.
    const admin = await client.send(
      new CreateSecretCommand({
        Name: 'services/billing/dev/partner-admin',
        SecretString: JSON.stringify({
          token: ADMIN_TOKEN,
          settings: localTokenServiceSettings(service.url, { scopes: ['read'] }),
        }),
      }),
    );
    const { arn, seed } = await tokenSecret('services/billing/dev/read-only', { adminSecretArn: admin.ARN });
    // The rotated token only reads: it could not issue its successor itself.
    service.state.revoke(seed.id);
    const readOnly = service.state.issue(
      `${tokenNameFamily('rotation', arn)}initial`,
      ['read'],
      undefined,
      new Date(),
    );
    issued.push(readOnly);
    await client.send(
      new PutSecretValueCommand({
        SecretId: arn,
        SecretString: JSON.stringify({
          provider: 'http',
          token: readOnly.token,
          tokenId: readOnly.id,
          adminSecretArn: admin.ARN,
        }),
      }),
    );

    await rotate(arn);

    const current = await tokenAt(arn, 'AWSCURRENT');
    expect(await works(current.token)).toBe(true);
    expect(service.state.all().find((t) => t.id === current.tokenId)?.scopes).toEqual(['read']);
    const stored = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '';
    expect(stored).not.toContain(ADMIN_TOKEN);
  });

  it('fails with TokenRejectedError, recorded for operators, when the current token was revoked', async () => {
    const { arn, seed } = await tokenSecret('services/billing/dev/revoked');
    service.state.revoke(seed.id);

    const out = await client.send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: FUNCTION_ARN,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    await expect(env.stack.runner.waitForRotation(arn, out.VersionId ?? '', 20_000)).rejects.toThrow(
      /TokenRejectedError/,
    );

    const record = env.stack.runner.rotations(arn).at(-1);
    expect(record?.error?.type).toBe('TokenRejectedError');
    expect(record?.error?.message).toContain('put-secret-value');
    expect(record?.steps.every((s) => s.step === 'createSecret')).toBe(true);
    const failed = env.stack.runner.events().filter((e) => e.detail.eventName === 'RotationFailed');
    expect(failed.some((e) => e.resources.includes(arn))).toBe(true);
  });
});
