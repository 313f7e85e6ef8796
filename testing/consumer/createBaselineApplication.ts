import { readFileSync } from 'node:fs';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { credentialHash } from '@secrets-rotation/rotating-secrets';
import pg from 'pg';
import {
  firstUseRecorder,
  type RequestKind,
  type SampleApplication,
  type SampleApplicationOptions,
  samplePoolConfig,
} from '../../local/consumer/SampleApplication.js';

/**
 * The sample application as the common advice builds it, to compare the consumer library with:
 * Powertools `getSecret`-style reads with `maxAge`, and plain pools whose password is read again
 * for each new connection.
 */
export function createBaselineApplication(options: SampleApplicationOptions): SampleApplication {
  const { firstUse, used } = firstUseRecorder();
  const ca = readFileSync(options.caFile, 'utf8');
  const poolConfig = samplePoolConfig(options);
  const provider = new SecretsProvider({ awsSdkV3Client: options.client });
  const read = async (id: string) =>
    (await provider.get(id, { maxAge: options.maxAgeSeconds, transform: 'json' })) as Record<string, string>;
  const plainPool = async (id: string) => {
    const initial = await read(id);
    const pool = new pg.Pool({
      ...poolConfig,
      ssl: { ca },
      host: initial['host'],
      port: Number(initial['port']),
      database: initial['dbname'],
      user: initial['username'],
      password: async () => {
        const password = (await read(id))['password'] ?? '';
        used(credentialHash(password));
        return password;
      },
    });
    pool.on('error', () => undefined);
    return pool;
  };
  const pools = new Map<string, Promise<pg.Pool>>();
  const poolFor = (kind: RequestKind, id: string) => {
    if (!pools.has(kind)) pools.set(kind, plainPool(id));
    return pools.get(kind) as Promise<pg.Pool>;
  };
  return {
    firstUse,
    async request(kind) {
      if (kind === 'api-token') {
        const token = (await read(options.secrets.token))['token'] ?? '';
        used(credentialHash(token));
        const response = await fetch(`${options.tokenServiceUrl}/v1/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.body?.cancel();
        if (response.status !== 200) throw new Error(`token service answered ${response.status}`);
        return;
      }
      const id = kind === 'postgres-single-user' ? options.secrets.single : options.secrets.alternating;
      await (await poolFor(kind, id)).query('SELECT 1');
    },
    async end() {
      await Promise.all([...pools.values()].map(async (p) => (await p).end()));
    },
  };
}
