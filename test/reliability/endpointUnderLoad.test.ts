import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { auditSecrets } from '../../testing/leaks/leakAudit.js';
import { recordFigures } from '../support/recordFigures.js';
import { startStackProcess } from '../support/startStackProcess.js';

const TOTAL = 10_000;
const WRITERS = 8;
const SECRETS_PER_WRITER = 20;
const dir = mkdtempSync(join(tmpdir(), 'endpoint-load-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Acknowledged {
  readonly creates: Set<string>;
  /** secret → versionId → value, for every PutSecretValue that was answered. */
  readonly versions: Map<string, Map<string, string>>;
  readonly tags: Map<string, string>;
}

const clientFor = (url: string) =>
  new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    maxAttempts: 1,
  });

/** Mixed reads and writes from concurrent writers until `budget` requests are done or the server dies. */
async function load(
  url: string,
  budget: { left: number },
  ack: Acknowledged,
  round: number,
): Promise<number> {
  const client = clientFor(url);
  let served = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; budget.left > 0; i++) {
        budget.left -= 1;
        const name = `load/w${w}/s${i % SECRETS_PER_WRITER}`;
        const value = `value-${round}-${w}-${i}`;
        const versionId = `${round}-${w}-${i}`.padEnd(32, '0');
        try {
          if (!ack.creates.has(name)) {
            await client.send(
              new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: versionId }),
            );
            ack.creates.add(name);
            ack.versions.set(name, new Map([[versionId, value]]));
          } else if (i % 4 === 0) {
            await client.send(
              new PutSecretValueCommand({
                SecretId: name,
                SecretString: value,
                ClientRequestToken: versionId,
              }),
            );
            ack.versions.get(name)?.set(versionId, value);
          } else if (i % 4 === 1) {
            await client.send(
              new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'round', Value: value }] }),
            );
            ack.tags.set(name, value);
          } else if (i % 4 === 2) {
            await client.send(new GetSecretValueCommand({ SecretId: name }));
          } else {
            await client.send(new DescribeSecretCommand({ SecretId: name }));
          }
          served += 1;
        } catch (error) {
          // The server was killed: every later request fails too.
          if ((error as Error).name !== 'ResourceExistsException') return;
          ack.creates.add(name);
        }
      }
    }),
  );
  client.destroy();
  return served;
}

describe('the local endpoint under load with a kill -9 in the middle', () => {
  it(`keeps every acknowledged write across ${TOTAL} mixed requests and a SIGKILL`, async () => {
    const ack: Acknowledged = { creates: new Set(), versions: new Map(), tags: new Map() };
    const budget = { left: TOTAL };
    const first = await startStackProcess(dir);
    const half = { left: TOTAL / 2 };
    const running = load(first.url, half, ack, 1);
    // Kill it while writers are mid-flight.
    await new Promise((resolve) => setTimeout(resolve, 800));
    await first.kill();
    const beforeKill = await running;
    // The kill landed mid-stream: the first half had not finished.
    expect(beforeKill).toBeLessThan(TOTAL / 2);
    expect(beforeKill).toBeGreaterThan(0);
    budget.left -= beforeKill;

    const second = await startStackProcess(dir);
    const client = clientFor(second.url);
    const missing: string[] = [];
    for (const [name, versions] of ack.versions) {
      for (const [versionId, value] of versions) {
        const got = await client
          .send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }))
          .catch(() => undefined);
        if (got?.SecretString !== value) missing.push(`${name}@${versionId}`);
      }
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
      const current = Object.entries(described.VersionIdsToStages ?? {}).filter(([, stages]) =>
        stages.includes('AWSCURRENT'),
      );
      // One AWSCURRENT, and it is the newest acknowledged version or a later one that was in flight.
      expect(current).toHaveLength(1);
      const listed = await client.send(
        new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }),
      );
      for (const stage of ['AWSCURRENT', 'AWSPREVIOUS']) {
        expect(
          (listed.Versions ?? []).filter((v) => v.VersionStages?.includes(stage)).length,
        ).toBeLessThanOrEqual(1);
      }
    }
    for (const [name, value] of ack.tags) {
      const tags = (await client.send(new DescribeSecretCommand({ SecretId: name }))).Tags ?? [];
      const round = tags.find((t) => t.Key === 'round')?.Value ?? '';
      // A later tag write may have landed just before the kill without its answer arriving.
      if (round !== value && round.localeCompare(value, undefined, { numeric: true }) < 0)
        missing.push(`tag ${name}`);
    }
    client.destroy();
    expect(missing).toEqual([]);
    const acknowledgedVersions = [...ack.versions.values()].reduce((n, v) => n + v.size, 0);
    auditSecrets([...ack.versions.values()].flatMap((v) => [...v.values()]));

    const afterRestart = await load(second.url, budget, ack, 2);
    await second.kill();
    expect(beforeKill + afterRestart).toBeGreaterThan(TOTAL * 0.9);
    expect(ack.creates.size).toBe(WRITERS * SECRETS_PER_WRITER);
    recordFigures('endpoint-load', {
      sent: TOTAL,
      answered: beforeKill + afterRestart,
      writers: WRITERS,
      servedBeforeKill: beforeKill,
      acknowledgedVersionsChecked: acknowledgedVersions,
      acknowledgedTagsChecked: ack.tags.size,
      missing: missing.length,
    });
  }, 120_000);
});
