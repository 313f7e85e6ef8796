import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { credentialHash } from '@secrets-rotation/rotating-secrets';
import type { LocalPostgres } from '../postgres/startLocalPostgres.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalStack } from '../stack/startLocalStack.js';
import type { TokenService } from '../token-service/startTokenService.js';
import {
  createSampleApplication,
  REQUEST_KINDS,
  type RequestKind,
  type SampleApplication,
  type SampleApplicationOptions,
} from './SampleApplication.js';
import { type ConsumerSecrets, removeConsumerSecrets, seedConsumerSecrets } from './seedConsumerSecrets.js';
import { steadyRequests } from './steadyRequests.js';

export interface RotateUnderLoadOptions {
  readonly stack: LocalStack;
  readonly postgres: LocalPostgres;
  readonly tokens: TokenService;
  /** Rotations of each kind. */
  readonly rotations: number;
  readonly requestsPerSecond: number;
  readonly maxAgeSeconds: number;
  /** Name part for this run's roles and secrets, so runs do not share state. */
  readonly prefix: string;
  /** Delete this run's secrets and roles afterwards (on a persistent stack). */
  readonly cleanUp?: boolean;
  /** The application under load. Default: the sample application on the consumer library. */
  readonly application?: (options: SampleApplicationOptions) => SampleApplication;
}

export interface CompletedRotation {
  readonly kind: RequestKind;
  readonly versionId: string;
  /** When its finishSecret ended (epoch ms). */
  readonly finishedAt: number;
  /** Hash of the new credential, to match with the application's first use; never the value. */
  readonly credentialHash: string;
}

export interface LoadRun {
  readonly durationMs: number;
  readonly requests: number;
  readonly failedRequests: number;
  readonly requestsPerSecond: number;
  readonly failuresByKind: Record<RequestKind, number>;
  /** Error names and codes of the first failed requests; never messages, which may carry values. */
  readonly firstErrors: readonly string[];
  /** Calls the application made to Secrets Manager. */
  readonly secretsManagerCalls: number;
  readonly secrets: ConsumerSecrets;
  readonly rotations: readonly CompletedRotation[];
  /** When the application first used each credential, by hash. */
  readonly firstUse: ReadonlyMap<string, number>;
}

const localClient = (stack: LocalStack, name: string) =>
  new SecretsManagerClient({
    endpoint: stack.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: name, secretAccessKey: name },
  });

/**
 * An application under steady load while every kind of rotation runs repeatedly through
 * RotateSecret: the secrets and roles are seeded first, and each new value lives longer than the
 * application's cache age.
 */
export async function rotateUnderLoad(options: RotateUnderLoadOptions): Promise<LoadRun> {
  const admin = localClient(options.stack, 'local');
  const appClient = localClient(options.stack, 'app');
  let secretsManagerCalls = 0;
  appClient.middlewareStack.add(
    (next) => async (args) => {
      secretsManagerCalls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const secrets = await seedConsumerSecrets(admin, options.postgres, options.tokens, options.prefix);
  // The new master is a change of the Postgres functions' configuration (their allow-list), which,
  // as on Lambda, reaches new processes only.
  for (const name of ['postgres-single-user', 'postgres-alternating-users'])
    options.stack.invoker.reconfigure?.(name);
  const arnOf: Record<RequestKind, string> = {
    'postgres-single-user': secrets.single,
    'postgres-alternating-users': secrets.alternating,
    'api-token': secrets.token,
  };
  const app = (options.application ?? createSampleApplication)({
    client: appClient,
    secrets,
    caFile: options.postgres.caFile,
    tokenServiceUrl: options.tokens.url,
    maxAgeSeconds: options.maxAgeSeconds,
    connectionLifetimeSeconds: 1,
  });
  const load = steadyRequests(app, options.requestsPerSecond);

  const rotations: CompletedRotation[] = [];
  await Promise.all(
    REQUEST_KINDS.map(async (kind) => {
      for (let i = 0; i < options.rotations; i++) {
        const out = await admin.send(
          new RotateSecretCommand({
            SecretId: arnOf[kind],
            // Each kind is rotated by the function of the same name.
            RotationLambdaARN: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${kind}`,
            RotationRules: { AutomaticallyAfterDays: 30 },
          }),
        );
        const versionId = out.VersionId ?? '';
        await options.stack.runner.waitForRotation(arnOf[kind], versionId, 60_000);
        const record = options.stack.runner
          .rotations(arnOf[kind])
          .findLast((r) => r.versionId === versionId && r.kind === 'rotation');
        const finish = record?.steps.findLast((s) => s.step === 'finishSecret');
        const value = await admin.send(
          new GetSecretValueCommand({ SecretId: arnOf[kind], VersionId: versionId }),
        );
        const parsed = JSON.parse(value.SecretString ?? '{}') as { password?: string; token?: string };
        rotations.push({
          kind,
          versionId,
          finishedAt: finish === undefined ? Date.now() : Date.parse(finish.startedAt) + finish.durationMs,
          credentialHash: credentialHash(parsed.password ?? parsed.token ?? ''),
        });
        // Each value lives longer than the cache age, so "when was it first used" has an answer.
        await sleep((options.maxAgeSeconds + 1) * 1000);
      }
    }),
  );
  // Let cache-based readers reach the last values before the load stops.
  await sleep((options.maxAgeSeconds + 1) * 1000);
  const counts = await load.stop();
  await app.end();

  if (options.cleanUp === true) await removeConsumerSecrets(admin, options.postgres, secrets, options.prefix);
  admin.destroy();
  appClient.destroy();
  return { ...counts, secretsManagerCalls, secrets, rotations, firstUse: app.firstUse };
}
