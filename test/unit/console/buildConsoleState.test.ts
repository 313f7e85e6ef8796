import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cli } from '../../../cli/Cli.js';
import { statusCommand } from '../../../cli/commands/status.js';
import { buildConsoleState, type ConsoleSources } from '../../../local/console/buildConsoleState.js';
import type { ConsoleSecret } from '../../../local/console/ConsoleState.js';
import type { RotationEventRecord, RotationRecord } from '../../../local/runner/RotationRecord.js';

const sm = mockClient(SecretsManagerClient);
const NOW = new Date('2026-03-02T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:random-value';
const arn = (name: string, region = 'us-east-1') =>
  `arn:aws:secretsmanager:${region}:000000000000:secret:${name}-AbCdEf`;

const HEALTHY = arn('apps/healthy');
const STUCK = arn('apps/stuck');
const GONE = arn('apps/gone', 'eu-west-1');
const IDS = {
  healthyCurrent: '11111111-1111-4111-8111-111111111111',
  healthyPrevious: '22222222-2222-4222-8222-222222222222',
  stuckCurrent: '33333333-3333-4333-8333-333333333333',
  stuckPending: '44444444-4444-4444-8444-444444444444',
};
/** Every value the fake Secrets Manager holds: none may reach the console's state. */
const VALUES = {
  healthy: JSON.stringify({ password: 'healthy-current-Value-7Qx' }),
  // The current value no longer passes the random-value check; the pending one does: a lockout.
  stuckCurrent: 'stuck-current-not-json-Value-9Zr',
  stuckPending: JSON.stringify({ password: 'stuck-pending-Value-4Kd' }),
};

function seedSecretsManager() {
  sm.on(DescribeSecretCommand, { SecretId: HEALTHY }).resolves({
    ARN: HEALTHY,
    Name: 'apps/healthy',
    RotationEnabled: true,
    RotationLambdaARN: FUNCTION,
    RotationRules: { ScheduleExpression: 'rate(30 days)' },
    LastRotatedDate: ago(60),
    NextRotationDate: new Date(NOW.getTime() + 86_400_000),
  });
  sm.on(ListSecretVersionIdsCommand, { SecretId: HEALTHY }).resolves({
    Versions: [
      { VersionId: IDS.healthyCurrent, VersionStages: ['AWSCURRENT', 'AWSPENDING'], CreatedDate: ago(60) },
      { VersionId: IDS.healthyPrevious, VersionStages: ['AWSPREVIOUS'], CreatedDate: ago(600) },
    ],
  });
  sm.on(DescribeSecretCommand, { SecretId: STUCK }).resolves({
    ARN: STUCK,
    Name: 'apps/stuck',
    RotationEnabled: true,
    RotationLambdaARN: FUNCTION,
    RotationRules: { AutomaticallyAfterDays: 7 },
  });
  sm.on(ListSecretVersionIdsCommand, { SecretId: STUCK }).resolves({
    Versions: [
      { VersionId: IDS.stuckCurrent, VersionStages: ['AWSCURRENT'], CreatedDate: ago(3_000) },
      { VersionId: IDS.stuckPending, VersionStages: ['AWSPENDING'], CreatedDate: ago(120) },
    ],
  });
  sm.on(GetSecretValueCommand, { SecretId: STUCK, VersionId: IDS.stuckCurrent }).resolves({
    ARN: STUCK,
    VersionId: IDS.stuckCurrent,
    SecretString: VALUES.stuckCurrent,
  });
  sm.on(GetSecretValueCommand, { SecretId: STUCK, VersionId: IDS.stuckPending }).resolves({
    ARN: STUCK,
    VersionId: IDS.stuckPending,
    SecretString: VALUES.stuckPending,
  });
  sm.on(DescribeSecretCommand, { SecretId: GONE }).rejects(
    new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: {},
    }),
  );
}

/** A record as the runner keeps it, with a field it should never have: the console must not copy it. */
const failedRotation = {
  secretArn: STUCK,
  versionId: IDS.stuckPending,
  functionArn: FUNCTION,
  trigger: 'api',
  kind: 'rotation',
  startedAt: ago(120).toISOString(),
  endedAt: ago(119).toISOString(),
  outcome: 'failed',
  attempts: 1,
  steps: [
    {
      step: 'createSecret',
      attempt: 1,
      startedAt: ago(120).toISOString(),
      durationMs: 40,
      outcome: 'succeeded',
    },
    {
      step: 'setSecret',
      attempt: 1,
      startedAt: ago(120).toISOString(),
      durationMs: 12,
      outcome: 'failed',
      errorType: 'InvalidSecretValueError',
      errorMessage: 'The secret is not a JSON object',
      value: VALUES.stuckPending,
    },
  ],
  error: { type: 'InvalidSecretValueError', message: 'The secret is not a JSON object' },
  secretString: VALUES.stuckPending,
} as unknown as RotationRecord;

const event = (secretArn: string, eventName: 'RotationStarted' | 'RotationFailed'): RotationEventRecord => ({
  id: `${eventName}-${secretArn}`,
  time: ago(119).toISOString(),
  source: 'aws.secretsmanager',
  'detail-type': 'AWS Service Event via CloudTrail',
  region: 'us-east-1',
  account: '000000000000',
  resources: [secretArn],
  detail: {
    eventName,
    eventSource: 'secretsmanager.amazonaws.com',
    additionalEventData: { SecretId: secretArn, VersionId: IDS.stuckPending },
    ...(eventName === 'RotationFailed' ? { errorMessage: 'InvalidSecretValueError: not JSON' } : {}),
  },
});

function sources(client: SecretsManagerClient): ConsoleSources {
  return {
    endpoint: 'http://127.0.0.1:4566',
    stuckAfterMinutes: 30,
    secrets: () => [
      { arn: STUCK, name: 'apps/stuck', region: 'us-east-1' },
      { arn: GONE, name: 'apps/gone', region: 'eu-west-1' },
      { arn: HEALTHY, name: 'apps/healthy', region: 'us-east-1' },
    ],
    // No endpoint of its own: statusOf then asks no local rotation records over HTTP.
    context: () => ({ client, endpoint: undefined, now: () => NOW }),
    rotations: (secretArn) => (secretArn === STUCK ? [failedRotation] : []),
    events: () => [
      event(STUCK, 'RotationStarted'),
      event(STUCK, 'RotationFailed'),
      event(HEALTHY, 'RotationStarted'),
    ],
    now: () => NOW,
  };
}

/** What `secrets-rotation status <secret> --json` prints, run in-process on the same client. */
async function cliStatus(client: SecretsManagerClient, secretId: string): Promise<Record<string, unknown>> {
  const printed: string[] = [];
  const cli: Cli = {
    client,
    endpoint: undefined,
    json: true,
    stepInvoker: () => Promise.reject(new Error('status invokes nothing')),
    out: (text) => printed.push(text),
    progress: () => undefined,
    now: () => NOW,
    confirm: () => Promise.resolve(false),
  };
  await statusCommand(cli, secretId, 30);
  return JSON.parse(printed.join('\n')) as Record<string, unknown>;
}

const bySecret = (secrets: readonly ConsoleSecret[], name: string) => {
  const found = secrets.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no ${name} in the console state`);
  return found;
};

let client: SecretsManagerClient;
beforeEach(() => {
  seedSecretsManager();
  client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterEach(() => {
  client.destroy();
  sm.reset();
});

describe('buildConsoleState', () => {
  it('diagnoses a healthy and a stuck secret exactly as secrets-rotation status does', async () => {
    const state = await buildConsoleState(sources(client));

    for (const name of ['apps/healthy', 'apps/stuck']) {
      const shown = bySecret(state.secrets, name);
      const printed = await cliStatus(client, shown.arn);
      expect({
        health: shown.health,
        summary: shown.summary,
        fixes: shown.fixes,
        lockout: shown.lockout,
        credentials: shown.credentials ?? undefined,
      }).toEqual({
        health: printed['health'],
        summary: printed['summary'],
        fixes: printed['fixes'],
        lockout: printed['lockout'],
        credentials: printed['credentials'],
      });
    }
    expect(bySecret(state.secrets, 'apps/healthy').health).toBe('ok');
    const stuck = bySecret(state.secrets, 'apps/stuck');
    expect(stuck.health).toBe('stuck');
    expect(stuck.lockout).toBe(true);
    expect(stuck.summary).toContain('LOCKED OUT');
  });

  it('shows configuration, versions with labels, rotations step by step and the secret’s own events', async () => {
    const state = await buildConsoleState(sources(client));

    const healthy = bySecret(state.secrets, 'apps/healthy');
    expect(healthy.rotation).toEqual({
      enabled: true,
      functionArn: FUNCTION,
      schedule: 'rate(30 days)',
      lastRotatedAt: ago(60).toISOString(),
      nextRotationAt: new Date(NOW.getTime() + 86_400_000).toISOString(),
    });
    expect(healthy.versions.map((v) => [v.versionId, v.stages])).toEqual([
      [IDS.healthyCurrent, ['AWSCURRENT', 'AWSPENDING']],
      [IDS.healthyPrevious, ['AWSPREVIOUS']],
    ]);
    expect(healthy.events.map((e) => e.eventName)).toEqual(['RotationStarted']);
    const stuck = bySecret(state.secrets, 'apps/stuck');
    expect(stuck.rotation.schedule).toBe('every 7 days');
    expect(stuck.rotations).toEqual([
      {
        versionId: IDS.stuckPending,
        kind: 'rotation',
        trigger: 'api',
        outcome: 'failed',
        startedAt: ago(120).toISOString(),
        endedAt: ago(119).toISOString(),
        attempts: 1,
        steps: [
          {
            step: 'createSecret',
            attempt: 1,
            startedAt: ago(120).toISOString(),
            durationMs: 40,
            outcome: 'succeeded',
            error: null,
          },
          {
            step: 'setSecret',
            attempt: 1,
            startedAt: ago(120).toISOString(),
            durationMs: 12,
            outcome: 'failed',
            error: { type: 'InvalidSecretValueError', message: 'The secret is not a JSON object' },
          },
        ],
        error: { type: 'InvalidSecretValueError', message: 'The secret is not a JSON object' },
      },
    ]);
    expect(stuck.events).toEqual([
      {
        time: ago(119).toISOString(),
        eventName: 'RotationStarted',
        versionId: IDS.stuckPending,
        errorMessage: null,
      },
      {
        time: ago(119).toISOString(),
        eventName: 'RotationFailed',
        versionId: IDS.stuckPending,
        errorMessage: 'InvalidSecretValueError: not JSON',
      },
    ]);
  });

  it('carries no secret value, although it read values to check the credentials', async () => {
    const state = await buildConsoleState(sources(client));
    const text = JSON.stringify(state);

    expect(sm.commandCalls(GetSecretValueCommand).length).toBeGreaterThan(0);
    for (const value of [...Object.values(VALUES), 'healthy-current-Value-7Qx', 'stuck-pending-Value-4Kd'])
      expect(text).not.toContain(value);
    expect(text).not.toMatch(/SecretString|SecretBinary|secretString/);
  });

  it('lists every Region, by name, and shows a secret it cannot read as unknown with the reason', async () => {
    const state = await buildConsoleState(sources(client));

    expect(state.secrets.map((s) => [s.name, s.region])).toEqual([
      ['apps/gone', 'eu-west-1'],
      ['apps/healthy', 'us-east-1'],
      ['apps/stuck', 'us-east-1'],
    ]);
    const gone = bySecret(state.secrets, 'apps/gone');
    expect(gone.health).toBe('unknown');
    expect(gone.summary).toBe(
      "could not be read: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
  });
});
