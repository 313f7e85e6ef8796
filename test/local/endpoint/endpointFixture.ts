import {
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  type SecretsManagerServerOptions,
  startSecretsManagerServer,
} from '../../../local/endpoint/startSecretsManagerServer.js';

/** A local endpoint on a free port and a real SDK client pointed at it. */
export async function startEndpoint(options: SecretsManagerServerOptions = {}) {
  const server = await startSecretsManagerServer({ port: 0, ...options });
  const clients: SecretsManagerClient[] = [];
  /** A client signing for `region`: the endpoint serves the Region of the request's signature. */
  const clientFor = (region: string, maxAttempts = 1) => {
    const regional = new SecretsManagerClient({
      endpoint: server.url,
      region,
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
      maxAttempts,
    });
    clients.push(regional);
    return regional;
  };
  const client = clientFor('us-east-1');
  return {
    server,
    client,
    clientFor,
    async close() {
      for (const regional of clients) regional.destroy();
      await server.close();
    },
  };
}

let counter = 0;
/** A unique secret name per test, so tests share one server without interfering. */
export function uniqueName(prefix = 'test'): string {
  counter += 1;
  return `${prefix}/${process.pid}/${counter}`;
}

export const token = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

type Client = SecretsManagerClient;

/** PutSecretValue of `value` as version `token(n)`, labelled `stages` (AWS's default: AWSCURRENT). */
export function putVersion(client: Client, secretId: string, n: number, value: string, stages?: string[]) {
  return client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      SecretString: value,
      ClientRequestToken: token(n),
      ...(stages === undefined ? {} : { VersionStages: stages }),
    }),
  );
}

/** UpdateSecretVersionStage moving `stage` to `token(to)` from `token(from)` (either may be absent). */
export function moveStage(client: Client, secretId: string, stage: string, to?: number, from?: number) {
  return client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: stage,
      ...(to === undefined ? {} : { MoveToVersionId: token(to) }),
      ...(from === undefined ? {} : { RemoveFromVersionId: token(from) }),
    }),
  );
}
