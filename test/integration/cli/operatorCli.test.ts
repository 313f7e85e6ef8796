import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scramVerifier } from '../../../shared/targets/postgres/scramVerifier.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { type CliRun, runCli } from '../../support/runCli.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

const RANDOM_VALUE = 'arn:aws:lambda:us-east-1:000000000000:function:random-value';

let env: TestStack;
let client: SecretsManagerClient;
let server: TestPostgres;
const secrets: string[] = [];
const outputs: string[] = [];

/** Runs the built tool as an operator would, against the local stack (a later --endpoint-url wins). */
async function cli(...args: string[]): Promise<CliRun> {
  const run = await runCli(env.stack.url, args, { PG_CA_FILE: server.caFile });
  outputs.push(run.stdout, run.stderr);
  return run;
}

async function createSecret(name: string, value: string): Promise<string> {
  secrets.push(value);
  return (await client.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN ?? '';
}

beforeAll(async () => {
  server = await startTestPostgres();
  env = await startTestStack();
  client = env.client;
}, 60_000);

afterAll(async () => {
  try {
    for (const name of ['services/cli/dev/signing-key', 'services/cli/dev/db']) {
      const value = await client.send(new GetSecretValueCommand({ SecretId: name })).catch(() => undefined);
      if (value?.SecretString !== undefined) secrets.push(value.SecretString);
    }
    assertNoSecretLeaks(outputs.join('\n'), secrets);
  } finally {
    await env?.close();
    await server?.close();
  }
});

describe('secrets-rotation against the local stack', () => {
  it('rotate --wait configures, starts and follows a rotation to the end', async () => {
    await createSecret(
      'services/cli/dev/signing-key',
      JSON.stringify({ password: 'cli-initial-signing-key-1' }),
    );

    const run = await cli(
      'rotate',
      'services/cli/dev/signing-key',
      '--wait',
      '--function-arn',
      RANDOM_VALUE,
      '--schedule',
      'rate(30 days)',
    );

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('createSecret succeeded (attempt 1)');
    expect(run.stderr).toContain('finishSecret succeeded (attempt 1)');
    expect(run.stderr).toContain('AWSCURRENT moved to the new version');
    expect(run.stdout).toMatch(/succeeded: version [0-9a-f-]{36} is AWSCURRENT/);
  });

  it('status shows configuration, versions and labels, as a table and as JSON', async () => {
    const table = await cli('status', 'services/cli/dev/signing-key');
    const json = await cli('status', 'services/cli/dev/signing-key', '--json');

    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Rotation    enabled, rate(30 days)');
    expect(table.stdout).toContain('Health      OK');
    expect(table.stdout).toMatch(/AWSCURRENT/);
    expect(table.stdout).toMatch(/AWSPREVIOUS/);
    const parsed = JSON.parse(json.stdout) as {
      health: string;
      versions: Array<{ stages: string[] }>;
      rotationFunctionArn: string;
    };
    expect(parsed.health).toBe('ok');
    expect(parsed.rotationFunctionArn).toBe(RANDOM_VALUE);
    expect(parsed.versions.flatMap((v) => v.stages).sort()).toEqual([
      'AWSCURRENT',
      'AWSPENDING',
      'AWSPREVIOUS',
    ]);
  });

  it('diagnoses a stuck rotation, and cancel repairs it after confirmation', async () => {
    await createSecret('services/cli/dev/broken', 'not-json-so-createSecret-fails');
    const failed = await cli(
      'rotate',
      'services/cli/dev/broken',
      '--wait',
      '--function-arn',
      RANDOM_VALUE,
      '--timeout',
      '60',
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('failed: InvalidSecretValueError');

    const stuck = await cli('status', 'services/cli/dev/broken');
    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toContain('Health      STUCK: AWSPENDING is on version');
    expect(stuck.stdout).toContain('has no value');
    expect(stuck.stdout).toContain('secrets-rotation cancel "services/cli/dev/broken"');
    expect(stuck.stdout).toContain('aws secretsmanager update-secret-version-stage');

    const unconfirmed = await cli('cancel', 'services/cli/dev/broken');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('Not confirmed: nothing changed');
    const cancelled = await cli('cancel', 'services/cli/dev/broken', '--yes');
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain('Cleared AWSPENDING');
    const healthy = await cli('status', 'services/cli/dev/broken', '--json');
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout).health).toBe('ok');
  });

  it('list shows rotated secrets and their health under a path', async () => {
    const run = await cli('list', '--path', 'services/cli/');
    const json = await cli('list', '--path', 'services/cli/', '--json');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/services\/cli\/dev\/signing-key\s+ok/);
    expect((JSON.parse(json.stdout) as Array<{ name: string }>).map((s) => s.name)).toEqual([
      'services/cli/dev/broken',
      'services/cli/dev/signing-key',
    ]);
  });

  describe('with a Postgres credential', () => {
    const login = async (password: string) => {
      const verifier = await scramVerifier(password);
      await server.admin((c) => c.query(`ALTER ROLE cli_app WITH PASSWORD ${c.escapeLiteral(verifier)}`));
    };
    const value = (password: string) =>
      JSON.stringify({
        engine: 'postgres',
        host: server.host,
        port: server.port,
        username: 'cli_app',
        password,
        dbname: 'postgres',
      });

    it('verify proves AWSCURRENT works, and fails with the reason when it does not', async () => {
      await server.admin((c) => c.query('CREATE ROLE cli_app LOGIN'));
      await login('Cli-current-pw-0001');
      await createSecret('services/cli/dev/db', value('Cli-current-pw-0001'));

      const works = await cli('verify', 'services/cli/dev/db');
      expect(works.code).toBe(0);
      expect(works.stdout).toContain('AWSCURRENT of services/cli/dev/db works (postgres-single-user check');

      await login('Cli-changed-elsewhere-0002');
      secrets.push('Cli-changed-elsewhere-0002');
      const broken = await cli('verify', 'services/cli/dev/db', '--json');
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.stdout)).toMatchObject({ works: false, target: 'postgres-single-user' });
      expect(JSON.parse(broken.stdout).reason).toContain('PostgresLoginRejectedError');
    });

    it('cancel refuses to drop a pending credential the database already uses', async () => {
      const pendingPassword = 'Cli-pending-pw-0003';
      secrets.push(pendingPassword);
      await client.send(
        new PutSecretValueCommand({
          SecretId: 'services/cli/dev/db',
          ClientRequestToken: '5b1f0c7e-2d3a-4e5f-8a9b-0c1d2e3f4a5b',
          SecretString: value(pendingPassword),
          VersionStages: ['AWSPENDING'],
        }),
      );
      // As after a setSecret whose finishSecret never ran.
      await login(pendingPassword);

      const refused = await cli('cancel', 'services/cli/dev/db', '--yes');

      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('Refusing: AWSCURRENT no longer works');
      expect(refused.stderr).toContain(
        '--version-stage AWSCURRENT --move-to-version-id 5b1f0c7e-2d3a-4e5f-8a9b-0c1d2e3f4a5b',
      );
      const status = await cli('status', 'services/cli/dev/db', '--json');
      expect(
        JSON.parse(status.stdout).versions.some((v: { stages: string[] }) => v.stages.includes('AWSPENDING')),
      ).toBe(true);
    });
  });

  it('exits 2 on usage errors, 1 for a missing secret, 3 when Secrets Manager is unreachable', async () => {
    expect((await cli('frobnicate', 'x')).code).toBe(2);
    expect((await cli('status')).code).toBe(2);
    expect((await cli('status', 'x', '--bogus')).code).toBe(2);
    const missing = await cli('status', 'services/cli/dev/nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Not found');
    const unreachable = await cli('status', 'x', '--endpoint-url', 'http://127.0.0.1:1');
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('network access to Secrets Manager');
  });

  it('explains each command on its own with --help, and prints no SDK notice', async () => {
    for (const command of ['status', 'rotate', 'cancel', 'verify', 'list']) {
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: secrets-rotation ${command}`);
      expect(help.stdout).not.toContain('Commands:');
    }
    expect((await cli('verify', '--help')).stdout).toContain('postgres-alternating-users');
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stderr).not.toContain('NodeVersionSupportWarning');
    expect((await cli('verify', 'x', '--target', 'nope')).code).toBe(2);
  });
});
