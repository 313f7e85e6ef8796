import { setTimeout as sleep } from 'node:timers/promises';
import { ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The version AWSPENDING is on when that is not AWSCURRENT's: a rotation that did not finish. */
export async function unfinishedVersion(
  client: SecretsManagerClient,
  arn: string,
): Promise<string | undefined> {
  const out = await client.send(new ListSecretVersionIdsCommand({ SecretId: arn }));
  const pending = out.Versions?.find((v) => v.VersionStages?.includes('AWSPENDING'));
  return pending === undefined || pending.VersionStages?.includes('AWSCURRENT')
    ? undefined
    : pending.VersionId;
}

/** Polls until `condition` holds; false when `timeoutMs` passed first. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}
