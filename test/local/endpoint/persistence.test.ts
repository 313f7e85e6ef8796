import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { startStackProcess } from '../../support/startStackProcess.js';
import { startEndpoint, token } from './endpointFixture.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-state-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps every acknowledged change across a restart', async () => {
    const dir = dataDir();
    const first = await startEndpoint({ dataDir: dir });
    await first.client.send(
      new CreateSecretCommand({ Name: 'keep/me', SecretString: 'v1', ClientRequestToken: token(1) }),
    );
    await first.client.send(
      new PutSecretValueCommand({
        SecretId: 'keep/me',
        SecretString: 'v2',
        ClientRequestToken: token(2),
        VersionStages: ['AWSPENDING'],
      }),
    );
    await first.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'keep/me',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token(2),
        RemoveFromVersionId: token(1),
      }),
    );
    await first.close();

    const second = await startEndpoint({ dataDir: dir });
    const current = await second.client.send(new GetSecretValueCommand({ SecretId: 'keep/me' }));
    const previous = await second.client.send(
      new GetSecretValueCommand({ SecretId: 'keep/me', VersionStage: 'AWSPREVIOUS' }),
    );
    await second.close();

    expect(current.SecretString).toBe('v2');
    expect(previous.VersionId).toBe(token(1));
  });

  it('ignores a torn last journal line, the write that was never acknowledged', async () => {
    const dir = dataDir();
    const first = await startEndpoint({ dataDir: dir });
    await first.client.send(new CreateSecretCommand({ Name: 'torn/tail', SecretString: 'v1' }));
    await first.client.send(new PutSecretValueCommand({ SecretId: 'torn/tail', SecretString: 'v2' }));
    await first.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"put":{"arn":"arn:aws:secretsmanager:us-east-1:0000');

    const second = await startEndpoint({ dataDir: dir });
    const current = await second.client.send(new GetSecretValueCommand({ SecretId: 'torn/tail' }));
    await second.client.send(new PutSecretValueCommand({ SecretId: 'torn/tail', SecretString: 'v3' }));
    await second.close();
    const third = await startEndpoint({ dataDir: dir });
    const after = await third.client.send(new GetSecretValueCommand({ SecretId: 'torn/tail' }));
    await third.close();

    expect(current.SecretString).toBe('v2');
    expect(after.SecretString).toBe('v3');
  });

  it('compacts the journal into a snapshot and keeps files private', async () => {
    const dir = dataDir();
    const endpoint = await startEndpoint({ dataDir: dir });
    await endpoint.client.send(new CreateSecretCommand({ Name: 'busy/one', SecretString: 'v0' }));
    for (let i = 1; i <= 2_100; i++) {
      await endpoint.client.send(new PutSecretValueCommand({ SecretId: 'busy/one', SecretString: `v${i}` }));
    }
    await endpoint.close();

    const journalLines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(journalLines).toBeLessThan(2_000);
    expect(statSync(join(dir, 'snapshot.json')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'journal.jsonl')).mode & 0o077).toBe(0);
    const reopened = await startEndpoint({ dataDir: dir });
    const current = await reopened.client.send(new GetSecretValueCommand({ SecretId: 'busy/one' }));
    await reopened.close();
    expect(current.SecretString).toBe('v2100');
  }, 60_000);
});

describe('a killed endpoint process', () => {
  it('loses no acknowledged write when killed with SIGKILL mid-stream', async () => {
    const dir = dataDir();
    const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const first = await startStackProcess(dir);
    const client = new SecretsManagerClient({
      endpoint: first.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    const acknowledged: string[] = [];
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; ; i++) {
        const name = `killed/w${w}/s${i}`;
        try {
          await client.send(new CreateSecretCommand({ Name: name, SecretString: `value-${w}-${i}` }));
          acknowledged.push(name);
        } catch {
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await first.kill();
    await Promise.all(writers);
    client.destroy();

    // The stack keeps the endpoint's state under <data-dir>/secrets.
    const second = await startEndpoint({ dataDir: join(dir, 'secrets') });
    const missing: string[] = [];
    for (const name of acknowledged) {
      const got = await second.client
        .send(new GetSecretValueCommand({ SecretId: name }))
        .catch(() => undefined);
      if (got?.SecretString === undefined) missing.push(name);
    }
    await second.close();

    expect(acknowledged.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  }, 60_000);
});
