import { readFileSync } from 'node:fs';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { createTokenFetch } from '../../consumer/createTokenFetch.js';
import { credentialHash } from '../../consumer/credentialHash.js';
import { type PostgresCredential, parsePostgresCredential } from '../../consumer/PostgresCredential.js';
import { RotatingPool } from '../../consumer/RotatingPool.js';
import { RotatingSecret } from '../../consumer/RotatingSecret.js';
import type { ConsumerSecrets } from './seedConsumerSecrets.js';

export type Variant = 'library' | 'baseline';
export type RequestKind = 'postgres-single-user' | 'postgres-alternating-users' | 'api-token';
export const REQUEST_KINDS: readonly RequestKind[] = [
  'postgres-single-user',
  'postgres-alternating-users',
  'api-token',
];

export interface SampleApplicationOptions {
  readonly variant: Variant;
  readonly client: SecretsManagerClient;
  readonly secrets: ConsumerSecrets;
  readonly caFile: string;
  readonly tokenServiceUrl: string;
  /** Powertools cache age for both variants. */
  readonly maxAgeSeconds: number;
  /** Short connection lifetimes keep new connections (and so authentications) coming. */
  readonly connectionLifetimeSeconds: number;
}

export interface SampleApplication {
  request(kind: RequestKind): Promise<void>;
  /** When each credential (by hash) was first used for a new connection or a request. */
  readonly firstUse: Map<string, number>;
  end(): Promise<void>;
}

/**
 * What an application does with rotated secrets: Postgres queries through a pool with connection
 * recycling, and token-authenticated API calls. `library` uses the consumer library; `baseline`
 * is the common advice: Powertools `getSecret`-style reads with `maxAge` and a plain pool.
 */
export function createSampleApplication(options: SampleApplicationOptions): SampleApplication {
  const firstUse = new Map<string, number>();
  const used = (hash: string) => {
    if (!firstUse.has(hash)) firstUse.set(hash, Date.now());
  };
  const ca = readFileSync(options.caFile, 'utf8');
  const poolConfig = {
    max: 4,
    maxLifetimeSeconds: options.connectionLifetimeSeconds,
    idleTimeoutMillis: 500,
  };

  if (options.variant === 'library') {
    const secret = (id: string) =>
      new RotatingSecret<PostgresCredential>({
        secretId: id,
        parse: parsePostgresCredential,
        maxAgeSeconds: options.maxAgeSeconds,
        client: options.client,
      });
    const onNewConnection = ({ credentialHash: hash }: { credentialHash: string }) => used(hash);
    const pools: Record<string, RotatingPool> = {
      'postgres-single-user': new RotatingPool(secret(options.secrets.single), {
        ...poolConfig,
        tls: { ca },
        onNewConnection,
      }),
      'postgres-alternating-users': new RotatingPool(secret(options.secrets.alternating), {
        ...poolConfig,
        tls: { ca },
        onNewConnection,
      }),
    };
    const tokenFetch = createTokenFetch({
      secret: new RotatingSecret({
        secretId: options.secrets.token,
        parse: (s) => ({ token: String((JSON.parse(s) as { token: unknown }).token) }),
        maxAgeSeconds: options.maxAgeSeconds,
        client: options.client,
      }),
      onRequest: ({ tokenHash }) => used(tokenHash),
    });
    return {
      firstUse,
      async request(kind) {
        if (kind === 'api-token') {
          const response = await tokenFetch(`${options.tokenServiceUrl}/v1/me`);
          await response.body?.cancel();
          if (response.status !== 200) throw new Error(`token service answered ${response.status}`);
          return;
        }
        await pools[kind]?.query('SELECT 1');
      },
      async end() {
        await Promise.all(Object.values(pools).map((p) => p.end()));
      },
    };
  }

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
