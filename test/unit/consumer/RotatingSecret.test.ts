import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RotatingSecret } from '@secrets-rotation/rotating-secrets';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

const client = new SecretsManagerClient({ region: 'us-east-1' });
const sm = mockClient(client);
afterEach(() => sm.reset());

/** AWSCURRENT answers `values` in turn, one per GetSecretValue. */
function answering(...values: string[]) {
  let call = 0;
  sm.on(GetSecretValueCommand).callsFake(async () => ({
    SecretString: values[Math.min(call++, values.length - 1)],
    VersionId: `v${call}`,
  }));
  return new RotatingSecret({ secretId: 'orders/db', parse: (s) => s, client, minRefreshIntervalMs: 60_000 });
}

const reads = () => sm.commandCalls(GetSecretValueCommand).length;

describe('RotatingSecret.refresh', () => {
  it('answers a refresh right after another from that one, without calling again', async () => {
    const secret = answering('one', 'two');

    expect(await secret.refresh()).toBe('one');
    expect(await secret.refresh()).toBe('one');
    expect(reads()).toBe(1);
  });

  it('calls again when asked for a read that began after the last one did (AWSCURRENT may have moved)', async () => {
    const secret = answering('one', 'two');
    await secret.refresh();
    await new Promise((resolve) => setTimeout(resolve, 5));

    const since = Date.now();
    const [a, b] = await Promise.all([secret.refresh({ since }), secret.refresh({ since })]);

    expect([a, b]).toEqual(['two', 'two']);
    expect(reads()).toBe(2);
    expect(await secret.refresh({ since })).toBe('two');
    expect(reads()).toBe(2);
  });
});
