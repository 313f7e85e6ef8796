import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleState } from '../../../local/console/ConsoleState.js';
import { CONSOLE_TOKEN_HEADER } from '../../../local/console/checkConsoleRequest.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { sensitiveStrings } from '../../../testing/leaks/sensitiveStrings.js';
import { rawRequest } from '../../support/rawRequest.js';
import { runCli } from '../../support/runCli.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

const RANDOM_VALUE = 'arn:aws:lambda:us-east-1:000000000000:function:random-value';

let env: TestStack;
let host: string;
let token: string;
let healthyArn: string;
let stuckArn: string;
let stuckPending: string;
/** Every answer the console gave in this file: none may carry a value. */
const answers: string[] = [];

async function consoleRequest(
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const answer = await rawRequest(env.stack.url, {
    path: `/_local/console${path}`,
    method: options.method ?? 'GET',
    host: options.host ?? host,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  answers.push(answer.body);
  return answer;
}

/** What the console's own page sends with an action. */
const pageHeaders = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  origin: `http://${host}`,
  'sec-fetch-site': 'same-origin',
  [CONSOLE_TOKEN_HEADER]: token,
  ...extra,
});

async function waitForRotation(arn: string, outcome: 'succeeded' | 'failed'): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const last = env.stack.runner.rotations(arn).at(-1);
    if (last?.outcome === outcome) return last.versionId;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${outcome} rotation of ${arn}`);
}

const rotations = (arn: string) => env.stack.runner.rotations(arn).length;

beforeAll(async () => {
  env = await startTestStack({ retry: { maxAttempts: 2, baseDelayMs: 10 } });
  host = new URL(env.stack.url).host;
  const client = env.client;
  healthyArn =
    (
      await client.send(
        new CreateSecretCommand({
          Name: 'console/healthy',
          SecretString: JSON.stringify({ password: 'console-healthy-Initial-1x' }),
        }),
      )
    ).ARN ?? '';
  await client.send(
    new RotateSecretCommand({
      SecretId: healthyArn,
      RotationLambdaARN: RANDOM_VALUE,
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    }),
  );
  await waitForRotation(healthyArn, 'succeeded');
  // Not JSON: createSecret fails every attempt, and AWSPENDING stays on an empty version.
  stuckArn =
    (
      await client.send(
        new CreateSecretCommand({ Name: 'console/stuck', SecretString: 'console-stuck-Not-json-2y' }),
      )
    ).ARN ?? '';
  await client.send(new RotateSecretCommand({ SecretId: stuckArn, RotationLambdaARN: RANDOM_VALUE }));
  stuckPending = await waitForRotation(stuckArn, 'failed');
  // Another Region, through a client signed for it.
  const europe = new SecretsManagerClient({
    endpoint: env.stack.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await europe.send(
    new CreateSecretCommand({
      Name: 'console/europe',
      SecretString: JSON.stringify({ password: 'console-eu-Value-3z' }),
    }),
  );
  europe.destroy();
  const page = await consoleRequest('');
  token = /<meta name="console-token" content="([^"]+)"/.exec(page.body)?.[1] ?? '';
}, 60_000);

afterAll(async () => {
  const values = env.stack.secretsManager.store
    .all()
    .flatMap((record) => record.versions)
    .flatMap((version) => (version.secretString === undefined ? [] : sensitiveStrings(version.secretString)));
  try {
    expect(values.length).toBeGreaterThan(3);
    assertNoSecretLeaks(answers.join('\n'), values);
  } finally {
    await env?.close();
  }
});

describe('the console page', () => {
  it('is served with its per-process token, its script and styles, never framed or cached', async () => {
    const page = await consoleRequest('');
    const script = await consoleRequest('/console.js');
    const styles = await consoleRequest('/console.css');

    expect(page.status).toBe(200);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.body).toContain('<script type="module" src="/_local/console/console.js"></script>');
    expect(script.status).toBe(200);
    expect(script.body).toContain(CONSOLE_TOKEN_HEADER);
    expect(styles.status).toBe(200);
    const headers = await fetch(env.stack.consoleUrl).then((r) => r.headers);
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers its state with every secret of every Region and the diagnosis of secrets-rotation status', async () => {
    const answer = await consoleRequest('/api/state');
    const state = JSON.parse(answer.body) as ConsoleState;

    expect(answer.status).toBe(200);
    expect(state.secrets.map((s) => [s.name, s.region])).toEqual([
      ['console/europe', 'eu-west-1'],
      ['console/healthy', 'us-east-1'],
      ['console/stuck', 'us-east-1'],
    ]);
    for (const name of ['console/healthy', 'console/stuck']) {
      const shown = state.secrets.find((s) => s.name === name);
      const cli = await runCli(env.stack.url, ['status', name, '--json']);
      const printed = JSON.parse(cli.stdout) as Record<string, unknown>;
      expect([shown?.health, shown?.summary, shown?.fixes, shown?.lockout]).toEqual([
        printed['health'],
        printed['summary'],
        printed['fixes'],
        printed['lockout'],
      ]);
    }
    const stuck = state.secrets.find((s) => s.name === 'console/stuck');
    expect(stuck?.health).toBe('stuck');
    expect(stuck?.rotations.at(-1)?.error?.type).toBe('InvalidSecretValueError');
    expect(stuck?.events.map((e) => e.eventName)).toEqual(['RotationStarted', 'RotationFailed']);
  });
});

describe('the loopback rule', () => {
  it.each([
    ['GET', ''],
    ['GET', '/api/state'],
    ['POST', '/api/rotate'],
    ['POST', '/api/cancel'],
  ])('refuses %s %s to a foreign Host before anything runs', async (method, path) => {
    const before = rotations(healthyArn);

    const refused = await consoleRequest(path, {
      method,
      host: 'evil.example',
      headers: pageHeaders({ origin: 'http://evil.example' }),
      body: JSON.stringify({ secretArn: healthyArn, versionId: stuckPending }),
    });

    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ __type: 'AccessDeniedException' });
    expect(refused.body).not.toContain(token);
    expect(rotations(healthyArn)).toBe(before);
  });
});

describe('the CSRF rule: actions only from the console’s own page', () => {
  const body = () => JSON.stringify({ secretArn: healthyArn });
  it.each([
    ['no token', { [CONSOLE_TOKEN_HEADER]: '' }, 'header is missing or not this page'],
    ['a wrong token', { [CONSOLE_TOKEN_HEADER]: 'A'.repeat(43) }, 'header is missing or not this page'],
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }, 'must be application/json'],
    ['a text/plain body', { 'content-type': 'text/plain' }, 'must be application/json'],
    ['another origin', { origin: 'http://evil.example' }, 'comes from another origin (http://evil.example)'],
    ['an opaque origin', { origin: 'null' }, 'comes from another origin (null)'],
    ['another site, by the browser', { 'sec-fetch-site': 'cross-site' }, 'the request is cross-site'],
    ['another port of loopback', { 'sec-fetch-site': 'same-site' }, 'the request is same-site'],
  ])('refuses a rotation with %s, starting nothing', async (_case, headers, reason) => {
    const before = rotations(healthyArn);

    const refused = await consoleRequest('/api/rotate', {
      method: 'POST',
      headers: pageHeaders(headers),
      body: body(),
    });

    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      ok: false,
      error: { type: 'ConsoleRequestRefusedError', message: expect.stringContaining(reason) },
    });
    expect(refused.body).not.toContain(token);
    expect(rotations(healthyArn)).toBe(before);
  });

  it('refuses a cancel without the token, leaving AWSPENDING where it is', async () => {
    const refused = await consoleRequest('/api/cancel', {
      method: 'POST',
      headers: pageHeaders({ [CONSOLE_TOKEN_HEADER]: '' }),
      body: JSON.stringify({ secretArn: stuckArn, versionId: stuckPending }),
    });

    expect(refused.status).toBe(403);
    const described = await env.client.send(new DescribeSecretCommand({ SecretId: stuckArn }));
    expect(described.VersionIdsToStages?.[stuckPending]).toEqual(['AWSPENDING']);
  });
});

describe('the actions, from the page', () => {
  it('rotate now starts a rotation that completes', async () => {
    const before = rotations(healthyArn);

    const answer = await consoleRequest('/api/rotate', {
      method: 'POST',
      headers: pageHeaders(),
      body: JSON.stringify({ secretArn: healthyArn }),
    });

    expect(answer.status).toBe(200);
    const { versionId } = JSON.parse(answer.body) as { versionId: string };
    expect(await waitForRotation(healthyArn, 'succeeded')).toBe(versionId);
    expect(rotations(healthyArn)).toBe(before + 1);
  });

  it('rotate now on a stuck secret says why Secrets Manager refuses', async () => {
    const answer = await consoleRequest('/api/rotate', {
      method: 'POST',
      headers: pageHeaders(),
      body: JSON.stringify({ secretArn: stuckArn }),
    });

    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.body)).toMatchObject({
      ok: false,
      error: {
        type: 'InvalidRequestException',
        message: expect.stringContaining("A previous rotation isn't complete"),
      },
    });
  });

  it('cancel clears only the pending version the page showed, then the secret is healthy', async () => {
    const wrong = await consoleRequest('/api/cancel', {
      method: 'POST',
      headers: pageHeaders(),
      body: JSON.stringify({ secretArn: stuckArn, versionId: '00000000-0000-4000-8000-000000000000' }),
    });
    expect(wrong.status).toBe(409);
    expect(JSON.parse(wrong.body)).toMatchObject({ error: { type: 'PendingVersionChangedError' } });

    const answer = await consoleRequest('/api/cancel', {
      method: 'POST',
      headers: pageHeaders(),
      body: JSON.stringify({ secretArn: stuckArn, versionId: stuckPending }),
    });

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      ok: true,
      versionId: stuckPending,
      message: expect.stringContaining('the pending version has no value'),
    });
    const versions = await env.client.send(new ListSecretVersionIdsCommand({ SecretId: stuckArn }));
    expect(versions.Versions?.flatMap((v) => v.VersionStages ?? [])).toEqual(['AWSCURRENT']);
    const state = JSON.parse((await consoleRequest('/api/state')).body) as ConsoleState;
    expect(state.secrets.find((s) => s.name === 'console/stuck')?.health).toBe('ok');
  });

  it('refuses other methods and unknown routes', async () => {
    expect((await consoleRequest('/api/rotate')).status).toBe(405);
    expect(
      (await consoleRequest('/api/state', { method: 'POST', headers: pageHeaders(), body: '{}' })).status,
    ).toBe(405);
    expect((await consoleRequest('/nothing-here')).status).toBe(404);
    const bad = await consoleRequest('/api/rotate', {
      method: 'POST',
      headers: pageHeaders(),
      body: '{"secretArn":1}',
    });
    expect(bad.status).toBe(400);
  });
});
