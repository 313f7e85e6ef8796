import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createRotatingPool } from '@secrets-rotation/rotating-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import { generatePassword } from '../../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../../shared/passwords/PasswordPolicy.js';
import type { RotationStep } from '../../../shared/rotation/RotationEvent.js';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { auditSecrets } from '../../../testing/leaks/leakAudit.js';
import { type CliRun, runCli } from '../../support/runCli.js';
import { StepBreaker } from '../../support/StepBreaker.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const breaker = new StepBreaker();
const outputs: string[] = [];
const passwords: string[] = [];
let env: TestStack;
let client: SecretsManagerClient;
let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
  env = await startTestStack({
    retry: { maxAttempts: 2, baseDelayMs: 10 },
    functionEnvironment: () => ({ PG_CA_FILE: server.caFile }),
    createInvoker: (options) => breaker.wrap(createFunctionInvoker(options)),
  });
  client = env.client;
}, 60_000);

afterAll(async () => {
  try {
    for (const record of env.stack.secretsManager.store.all())
      for (const version of record.versions)
        if (version.secretString !== undefined) passwords.push(version.secretString);
    assertNoSecretLeaks(outputs.join('\n'), passwords);
  } finally {
    await env?.close();
    await server?.close();
  }
});

async function cli(...args: string[]): Promise<CliRun> {
  const run = await runCli(env.stack.url, args, { PG_CA_FILE: server.caFile });
  outputs.push(run.stdout, run.stderr);
  return run;
}

/** A rotation whose function fails `step` on every attempt: the runner gives up, AWSPENDING stays. */
async function stuckRotation(arn: string, functionName: string, step: RotationStep): Promise<string> {
  breaker.set(arn, step);
  const out = await client.send(
    new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fn(functionName) }),
  );
  const versionId = out.VersionId ?? '';
  await expect(env.stack.runner.waitForRotation(arn, versionId, 20_000)).rejects.toThrow('Runtime.ExitError');
  return versionId;
}

async function createSecret(name: string, value: string): Promise<string> {
  passwords.push(value);
  return (await client.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN ?? '';
}

const currentVersion = async (arn: string) =>
  (await client.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId;

describe('secrets-rotation rotate on a stuck secret', () => {
  it('resumes a rotation whose createSecret never ran, once the function works again', async () => {
    const arn = await createSecret('resume/random', JSON.stringify({ password: 'resume-initial-1' }));
    const versionId = await stuckRotation(arn, 'random-value', 'createSecret');

    const stuck = await cli('status', 'resume/random');
    breaker.set(arn, undefined);
    const resumed = await cli('rotate', 'resume/random', '--wait');

    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toContain('Health      STUCK');
    const fixes = stuck.stdout.slice(stuck.stdout.indexOf('Fix:')).split('\n');
    expect(fixes[1]?.trim()).toMatch(
      /^secrets-rotation rotate "resume\/random" --wait +# resumes the rotation/,
    );
    expect(fixes.some((f) => f.includes('secrets-rotation cancel "resume/random"'))).toBe(true);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming the rotation of version ${versionId} with random-value`);
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'])
      expect(resumed.stderr).toContain(`${step} succeeded`);
    expect(resumed.stdout).toContain(`resumed and finished: version ${versionId} is AWSCURRENT`);
    expect(await currentVersion(arn)).toBe(versionId);
    expect(JSON.parse((await cli('status', 'resume/random', '--json')).stdout).health).toBe('ok');
    // Rotations start again as usual.
    expect((await cli('rotate', 'resume/random', '--wait')).code).toBe(0);
  });

  it('retries the steps with --wait until the timeout, and says which step failed', async () => {
    const arn = await createSecret('resume/still-broken', JSON.stringify({ password: 'still-broken-1' }));
    const versionId = await stuckRotation(arn, 'random-value', 'testSecret');

    const once = await cli('rotate', 'resume/still-broken');
    const waited = await cli('rotate', 'resume/still-broken', '--wait', '--timeout', '3', '--json');

    expect(once.code).toBe(1);
    expect(once.stdout).toContain(
      `Rotation ${versionId} of resume/still-broken could not be resumed: testSecret failed: Runtime.ExitError`,
    );
    expect(once.stdout).toContain('--wait retries it');
    expect(waited.code).toBe(1);
    const result = JSON.parse(waited.stdout) as { status: string; runs: number; reason: string };
    expect(result).toMatchObject({ status: 'failed', resumed: true });
    expect(result.runs).toBeGreaterThanOrEqual(2);
    expect(result.reason).toContain('gave up after 3 s');
    expect(breaker.invocations(arn, 'createSecret')).toBe(2 + 1 + result.runs);
    breaker.set(arn, undefined);
  });

  it('refuses new configuration while a rotation is unfinished, and a resume while rotation is off', async () => {
    const arn = await createSecret('resume/off', JSON.stringify({ password: 'resume-off-1' }));
    await stuckRotation(arn, 'random-value', 'setSecret');
    breaker.set(arn, undefined);

    const reconfigured = await cli('rotate', 'resume/off', '--function-arn', fn('random-value'));
    await client.send(new CancelRotateSecretCommand({ SecretId: arn }));
    const off = await cli('rotate', 'resume/off', '--wait');

    expect(reconfigured.code).toBe(2);
    expect(reconfigured.stderr).toContain('takes no new configuration until it is finished or cleared');
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('is turned off');
    expect(off.stderr).toContain('secrets-rotation cancel "resume/off"');
    expect(breaker.invocations(arn, 'finishSecret')).toBe(0);
  });

  it('only follows a rotation still in progress', async () => {
    const arn = await createSecret('resume/young', JSON.stringify({ password: 'young-1' }));
    const first = await client.send(
      new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fn('random-value') }),
    );
    await env.stack.runner.waitForRotation(arn, first.VersionId ?? '', 20_000);
    const invoked = breaker.invocations(arn, 'createSecret');
    // As RotateSecret leaves it a moment before the runner's first step.
    await client.send(
      new PutSecretValueCommand({
        SecretId: arn,
        ClientRequestToken: '0d6f7a1e-3c2b-4d5e-8f9a-1b2c3d4e5f60',
        SecretString: JSON.stringify({ password: 'young-pending-2' }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    passwords.push('young-pending-2');

    const run = await cli('rotate', 'resume/young');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('A rotation of resume/young is in progress');
    expect(breaker.invocations(arn, 'createSecret')).toBe(invoked);
  });
});

describe('a single-user rotation stopped after setSecret', () => {
  const password = () => generatePassword(loadPasswordPolicy({}));

  it('is reported as a lockout, bridged by the consumer library, and finished by the resume', async () => {
    const initial = password();
    passwords.push(initial);
    const verifier = await scramVerifier(initial);
    await server.admin((c) =>
      c.query(`CREATE ROLE resume_single LOGIN PASSWORD ${c.escapeLiteral(verifier)}`),
    );
    const arn = await createSecret(
      'resume/single',
      JSON.stringify({
        engine: 'postgres',
        host: server.host,
        port: server.port,
        username: 'resume_single',
        password: initial,
        dbname: 'postgres',
      }),
    );
    const pool = createRotatingPool(
      'resume/single',
      { max: 2, tls: { ca: server.caPem }, idleTimeoutMillis: 1, maxLifetimeSeconds: 1 },
      { client },
    );
    await pool.query('SELECT 1');

    const versionId = await stuckRotation(arn, 'postgres-single-user', 'finishSecret');
    const pending = await client.send(
      new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPENDING' }),
    );
    auditSecrets([pending.SecretString ?? '']);
    const status = await cli('status', 'resume/single');
    const json = JSON.parse((await cli('status', 'resume/single', '--json')).stdout) as {
      lockout: boolean;
      credentials: { target: string; current: { works: boolean }; pending: { works: boolean } };
    };
    const cancel = await cli('cancel', 'resume/single', '--yes');
    let failedQueries = 0;
    for (let i = 0; i < 20; i++) {
      await pool.query('SELECT 1').catch(() => {
        failedQueries += 1;
      });
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    breaker.set(arn, undefined);
    const resumed = await cli('rotate', 'resume/single', '--wait');
    const verified = await cli('verify', 'resume/single');
    const afterwards = await pool.query<{ u: string }>('SELECT session_user::text AS u');
    await pool.end();

    expect(status.code).toBe(1);
    expect(status.stdout).toContain('Health      STUCK: LOCKED OUT: the target rejects AWSCURRENT');
    expect(status.stdout).toMatch(
      /Credentials postgres-single-user check: AWSCURRENT rejected \(PostgresLoginRejectedError[^)]*\), AWSPENDING works/,
    );
    expect(status.stdout).toMatch(/Fix:\n {2}secrets-rotation rotate "resume\/single" --wait/);
    expect(status.stdout).not.toContain('secrets-rotation cancel');
    expect(json.lockout).toBe(true);
    expect(json.credentials).toMatchObject({
      target: 'postgres-single-user',
      current: { works: false },
      pending: { works: true },
    });
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain('secrets-rotation rotate "resume/single" --wait (resumes it)');
    expect(failedQueries).toBe(0);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('the target rejects AWSCURRENT and accepts AWSPENDING');
    expect(resumed.stdout).toContain(`version ${versionId} is AWSCURRENT`);
    expect(verified.code).toBe(0);
    expect(afterwards.rows).toEqual([{ u: 'resume_single' }]);
    expect(await server.canLogin('resume_single', initial)).toBe(false);
  });
});

describe('POST /_local/invoke', () => {
  const post = (body: unknown, contentType = 'application/json') =>
    fetch(`${env.stack.url}/_local/invoke`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: JSON.stringify(body),
    });

  it("runs only a secret's own rotation function, only for JSON requests, and answers like Lambda's Invoke", async () => {
    const arn = await createSecret('invoke/route', JSON.stringify({ password: 'invoke-route-1' }));
    const first = await client.send(
      new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fn('random-value') }),
    );
    await env.stack.runner.waitForRotation(arn, first.VersionId ?? '', 20_000);
    const event = { Step: 'createSecret', SecretId: arn, ClientRequestToken: 'f'.repeat(36) };

    const form = await post({ FunctionName: fn('random-value'), Payload: event }, 'text/plain');
    const other = await post({ FunctionName: fn('api-token'), Payload: event });
    const unknown = await post({ FunctionName: fn('random-value'), Payload: { ...event, SecretId: 'nope' } });
    const failed = await post({ FunctionName: fn('random-value'), Payload: event });

    expect(form.status).toBe(415);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { __type: string }).__type).toBe('AccessDeniedException');
    expect(((await unknown.json()) as { __type: string }).__type).toBe('ResourceNotFoundException');
    expect(failed.status).toBe(200);
    expect(await failed.json()).toMatchObject({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: { errorType: 'UnknownVersionError' },
    });
  });
});
