import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { credentialHash } from '../../consumer/credentialHash.js';
import type { LocalPostgres } from '../postgres/startLocalPostgres.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalStack } from '../stack/startLocalStack.js';
import type { TokenService } from '../token-service/startTokenService.js';
import {
  createSampleApplication,
  REQUEST_KINDS,
  type RequestKind,
  type Variant,
} from './SampleApplication.js';
import { seedConsumerSecrets } from './seedConsumerSecrets.js';

export interface ConsumerLoadOptions {
  readonly variant: Variant;
  readonly stack: LocalStack;
  readonly postgres: LocalPostgres;
  readonly tokens: TokenService;
  /** Rotations of each kind. */
  readonly rotations: number;
  readonly requestsPerSecond: number;
  readonly maxAgeSeconds: number;
  /** Name part for this run's roles and secrets, so runs do not share state. */
  readonly prefix: string;
  /** Delete this run's secrets and roles afterwards (the demo does, on a persistent stack). */
  readonly cleanUp?: boolean;
}

export interface ConsumerLoadResult {
  readonly variant: Variant;
  readonly rotationsPerKind: number;
  readonly durationMs: number;
  readonly requests: number;
  readonly failedRequests: number;
  readonly requestsPerSecond: number;
  readonly failuresByKind: Record<RequestKind, number>;
  readonly firstErrors: readonly string[];
  readonly secretsManagerCalls: number;
  /** Longest time from finishSecret to the first use of the new value, per kind (ms; null: never used). */
  readonly maxLagAfterFinishMs: Record<RequestKind, number | null>;
  /** Every value stored, for leak scans by the caller; never printed. */
  readonly storedValues: readonly string[];
}

const FUNCTION: Record<RequestKind, string> = {
  'postgres-single-user': 'postgres-single-user',
  'postgres-alternating-users': 'postgres-alternating-users',
  'api-token': 'api-token',
};

/** An application under load while every kind of rotation runs repeatedly through RotateSecret. */
export async function runConsumerLoad(options: ConsumerLoadOptions): Promise<ConsumerLoadResult> {
  const admin = new SecretsManagerClient({
    endpoint: options.stack.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const appClient = new SecretsManagerClient({
    endpoint: options.stack.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'app', secretAccessKey: 'app' },
  });
  let secretsManagerCalls = 0;
  appClient.middlewareStack.add(
    (next) => async (args) => {
      secretsManagerCalls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const secrets = await seedConsumerSecrets(admin, options.postgres, options.tokens, options.prefix);
  const arnOf: Record<RequestKind, string> = {
    'postgres-single-user': secrets.single,
    'postgres-alternating-users': secrets.alternating,
    'api-token': secrets.token,
  };
  const app = createSampleApplication({
    variant: options.variant,
    client: appClient,
    secrets,
    caFile: options.postgres.caFile,
    tokenServiceUrl: options.tokens.url,
    maxAgeSeconds: options.maxAgeSeconds,
    connectionLifetimeSeconds: 1,
  });

  let requests = 0;
  let failed = 0;
  const failuresByKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  const firstErrors: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const started = Date.now();
  const load = (async () => {
    let issued = 0;
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * options.requestsPerSecond);
      for (; issued < due && inFlight.size < 500; issued++) {
        const kind = REQUEST_KINDS[issued % REQUEST_KINDS.length] as RequestKind;
        const request = app
          .request(kind)
          .catch((error: unknown) => {
            failed += 1;
            failuresByKind[kind] += 1;
            if (firstErrors.length < 5)
              firstErrors.push(
                `${kind}: ${error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''}`.trim() : 'error'}`,
              );
          })
          .finally(() => {
            requests += 1;
            inFlight.delete(request);
          });
        inFlight.add(request);
      }
      await sleep(5);
    }
  })();

  const finished: Array<{ kind: RequestKind; at: number; hash: string }> = [];
  await Promise.all(
    REQUEST_KINDS.map(async (kind) => {
      for (let i = 0; i < options.rotations; i++) {
        const out = await admin.send(
          new RotateSecretCommand({
            SecretId: arnOf[kind],
            RotationLambdaARN: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${FUNCTION[kind]}`,
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
        finished.push({
          kind,
          at: finish === undefined ? Date.now() : Date.parse(finish.startedAt) + finish.durationMs,
          hash: credentialHash(parsed.password ?? parsed.token ?? ''),
        });
        // Each value lives longer than the cache age, so "when was it first used" has an answer.
        await sleep((options.maxAgeSeconds + 1) * 1000);
      }
    }),
  );
  // Let cache-based readers reach the last values before measuring how long they took.
  await sleep((options.maxAgeSeconds + 1) * 1000);
  running = false;
  await load;
  await Promise.all(inFlight);
  const durationMs = Date.now() - started;
  await app.end();

  const maxLagAfterFinishMs = Object.fromEntries(
    REQUEST_KINDS.map((kind) => {
      const lags = finished
        .filter((f) => f.kind === kind)
        .map((f) => {
          const first = app.firstUse.get(f.hash);
          return first === undefined ? Number.POSITIVE_INFINITY : Math.max(0, first - f.at);
        });
      const worst = Math.max(0, ...lags);
      return [kind, Number.isFinite(worst) ? worst : null];
    }),
  ) as Record<RequestKind, number | null>;

  const storedValues: string[] = [];
  for (const arn of Object.values(arnOf)) {
    const versions = await admin.send(
      new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }),
    );
    for (const v of versions.Versions ?? []) {
      const value = await admin
        .send(new GetSecretValueCommand({ SecretId: arn, VersionId: v.VersionId }))
        .catch(() => undefined);
      if (value?.SecretString !== undefined) storedValues.push(value.SecretString);
    }
  }
  if (options.cleanUp === true) {
    for (const arn of [...Object.values(arnOf), secrets.master]) {
      await admin.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
    }
    await options.postgres.admin(async (c) => {
      for (const role of [
        `${options.prefix}_single`,
        `${options.prefix}_alt_clone`,
        `${options.prefix}_alt`,
        `${options.prefix}_master`,
      ]) {
        await c.query(`DROP ROLE IF EXISTS ${c.escapeIdentifier(role)}`);
      }
    });
  }
  admin.destroy();
  appClient.destroy();
  return {
    variant: options.variant,
    rotationsPerKind: options.rotations,
    durationMs,
    requests,
    failedRequests: failed,
    requestsPerSecond: Math.round((requests / durationMs) * 1000),
    failuresByKind,
    firstErrors,
    secretsManagerCalls,
    maxLagAfterFinishMs,
    storedValues,
  };
}
