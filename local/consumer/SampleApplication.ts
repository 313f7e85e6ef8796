import { readFileSync } from 'node:fs';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createTokenFetch,
  type PostgresCredential,
  parsePostgresCredential,
  RotatingPool,
  RotatingSecret,
} from '@secrets-rotation/rotating-secrets';
import type { ConsumerSecrets } from './seedConsumerSecrets.js';

export type RequestKind = 'postgres-single-user' | 'postgres-alternating-users' | 'api-token';
export const REQUEST_KINDS: readonly RequestKind[] = [
  'postgres-single-user',
  'postgres-alternating-users',
  'api-token',
];

export interface SampleApplicationOptions {
  readonly client: SecretsManagerClient;
  readonly secrets: ConsumerSecrets;
  readonly caFile: string;
  readonly tokenServiceUrl: string;
  /** How long a read secret value is used before it is read again. */
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

/** When each credential (by hash) was first used; `used` notes a use. */
export function firstUseRecorder(): { readonly firstUse: Map<string, number>; used(hash: string): void } {
  const firstUse = new Map<string, number>();
  return {
    firstUse,
    used(hash) {
      if (!firstUse.has(hash)) firstUse.set(hash, Date.now());
    },
  };
}

/** Small pools whose connections are recycled often, so new authentications keep coming. */
export function samplePoolConfig(options: Pick<SampleApplicationOptions, 'connectionLifetimeSeconds'>) {
  return { max: 4, maxLifetimeSeconds: options.connectionLifetimeSeconds, idleTimeoutMillis: 500 };
}

/**
 * What an application does with rotated secrets, on the consumer library: Postgres queries through
 * rotating pools with connection recycling, and token-authenticated API calls.
 */
export function createSampleApplication(options: SampleApplicationOptions): SampleApplication {
  const { firstUse, used } = firstUseRecorder();
  const ca = readFileSync(options.caFile, 'utf8');
  const poolConfig = samplePoolConfig(options);

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
