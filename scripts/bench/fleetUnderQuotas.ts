import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  type ServiceOutputTypes,
} from '@aws-sdk/client-secrets-manager';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/stack/startLocalStack.js';
import { startLocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';
import { createFleetSecrets } from './createFleetSecrets.js';

/** The operations the rotation functions call; every other one is the benchmark's own. */
const FUNCTION_OPERATIONS = [
  'DescribeSecret',
  'GetSecretValue',
  'PutSecretValue',
  'UpdateSecretVersionStage',
];

export interface FleetUnderQuotas {
  readonly secrets: number;
  readonly reservedConcurrency: number;
  /** First RotateSecret to the last rotation's end. */
  readonly fleetMs: number;
  readonly rotationsPerSecond: number;
  readonly failedRotations: number;
  /** Rotations the runner had to start again from createSecret (a step failed). */
  readonly rotationsRetriedByRunner: number;
  /** Why: the failed step's error type, by count (messages carry no values). */
  readonly runnerRetryReasons: Readonly<Record<string, number>>;
  /** Requests the endpoint answered with ThrottlingException, by operation. */
  readonly throttledCalls: Readonly<Record<string, number>>;
  /** Throttled calls of the rotation functions, which their SDK client retries up to its attempt limit. */
  readonly functionRetries: number;
  /** Retries of the benchmark's own CreateSecret and RotateSecret calls ($metadata.attempts - 1). */
  readonly driverRetries: number;
}

/**
 * A fleet of Postgres single-user secrets rotated on a stack that enforces AWS's request-rate
 * quotas (`quotas: 'aws'`): whether every rotation still succeeds through the SDK's retries of
 * ThrottlingException, how long the fleet takes, and how much was throttled and retried.
 */
export async function measureFleetUnderQuotas(options: {
  readonly size: number;
  readonly concurrency: number;
  readonly say: (text: string) => void;
}): Promise<FleetUnderQuotas> {
  const { size, concurrency, say } = options;
  const local = await startLocalEnvironment({
    reservedConcurrency: concurrency,
    quotas: 'aws',
    logSink: () => {},
  });
  const { stack, postgres } = local;
  // The benchmark is a client like any other: adaptive retries pace it under the quotas.
  const client = new SecretsManagerClient({
    endpoint: stack.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    maxAttempts: 20,
    retryMode: 'adaptive',
  });
  let driverRetries = 0;
  const counted = async <T extends ServiceOutputTypes>(call: Promise<T>): Promise<T> => {
    const out = await call;
    driverRetries += (out.$metadata.attempts ?? 1) - 1;
    return out;
  };
  try {
    say(`fleet under AWS quotas: creating ${size} single-user secrets…`);
    const arns = await createFleetSecrets(
      postgres,
      'quota',
      size,
      async (Name, SecretString) =>
        (await counted(client.send(new CreateSecretCommand({ Name, SecretString })))).ARN ?? '',
    );
    say(`fleet under AWS quotas: rotating ${size} secrets, reserved concurrency ${concurrency}…`);
    const started = Date.now();
    const outcomes = await Promise.all(
      arns.map(async (arn) => {
        const out = await counted(
          client.send(
            new RotateSecretCommand({
              SecretId: arn,
              RotationLambdaARN: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:postgres-single-user`,
              RotationRules: { AutomaticallyAfterDays: 30 },
            }),
          ),
        );
        return stack.runner.waitForRotation(arn, out.VersionId ?? '', 1_800_000).then(
          () => true,
          () => false,
        );
      }),
    );
    const fleetMs = Date.now() - started;
    const throttledCalls = stack.quotas?.throttled() ?? {};
    const succeeded = outcomes.filter(Boolean).length;
    const records = arns.flatMap((arn) => stack.runner.rotations(arn)).filter((r) => r.kind === 'rotation');
    return {
      secrets: size,
      reservedConcurrency: concurrency,
      fleetMs,
      rotationsPerSecond: Math.round((succeeded / fleetMs) * 10_000) / 10,
      failedRotations: size - succeeded,
      rotationsRetriedByRunner: records.filter((r) => r.attempts > 1).length,
      runnerRetryReasons: records
        .flatMap((r) => r.steps.filter((step) => step.outcome === 'failed'))
        .reduce<Record<string, number>>((reasons, step) => {
          const reason = `${step.step}: ${step.errorType ?? 'Error'}`;
          reasons[reason] = (reasons[reason] ?? 0) + 1;
          return reasons;
        }, {}),
      throttledCalls,
      functionRetries: FUNCTION_OPERATIONS.reduce((sum, op) => sum + (throttledCalls[op] ?? 0), 0),
      driverRetries,
    };
  } finally {
    client.destroy();
    await local.close();
  }
}
