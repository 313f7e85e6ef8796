import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  type LoadRun,
  type RotateUnderLoadOptions,
  rotateUnderLoad,
} from '../../local/consumer/rotateUnderLoad.js';
import {
  createSampleApplication,
  REQUEST_KINDS,
  type RequestKind,
} from '../../local/consumer/SampleApplication.js';
import { LOCAL_REGION, type LocalStack } from '../../local/stack/startLocalStack.js';
import { createBaselineApplication } from './createBaselineApplication.js';

/** `library`: the consumer library; `baseline`: the common advice it is compared with. */
export type Variant = 'library' | 'baseline';

export interface ConsumerLoadOptions extends Omit<RotateUnderLoadOptions, 'application' | 'cleanUp'> {
  readonly variant: Variant;
}

export interface ConsumerLoadResult extends Omit<LoadRun, 'secrets' | 'rotations' | 'firstUse'> {
  readonly variant: Variant;
  readonly rotationsPerKind: number;
  /** Longest time from finishSecret to the first use of the new value, per kind (ms; null: never used). */
  readonly maxLagAfterFinishMs: Record<RequestKind, number | null>;
  /** Every value stored, for leak scans by the caller; never printed. */
  readonly storedValues: readonly string[];
}

/** Per kind, the longest time from a rotation's finishSecret to the application's first use of its value. */
function maxLagAfterFinish(run: LoadRun): Record<RequestKind, number | null> {
  return Object.fromEntries(
    REQUEST_KINDS.map((kind) => {
      const lags = run.rotations
        .filter((rotation) => rotation.kind === kind)
        .map((rotation) => {
          const first = run.firstUse.get(rotation.credentialHash);
          return first === undefined ? Number.POSITIVE_INFINITY : Math.max(0, first - rotation.finishedAt);
        });
      const worst = Math.max(0, ...lags);
      return [kind, Number.isFinite(worst) ? worst : null];
    }),
  ) as Record<RequestKind, number | null>;
}

/** Every value any version of the run's secrets holds. */
async function storedValues(stack: LocalStack, run: LoadRun): Promise<string[]> {
  const client = new SecretsManagerClient({
    endpoint: stack.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const values: string[] = [];
  for (const arn of [run.secrets.single, run.secrets.alternating, run.secrets.token]) {
    const versions = await client.send(
      new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }),
    );
    for (const v of versions.Versions ?? []) {
      const value = await client
        .send(new GetSecretValueCommand({ SecretId: arn, VersionId: v.VersionId }))
        .catch(() => undefined);
      if (value?.SecretString !== undefined) values.push(value.SecretString);
    }
  }
  client.destroy();
  return values;
}

/**
 * An application under load while every kind of rotation runs repeatedly, with what it measures:
 * failed requests, Secrets Manager calls, and how long each new value took to be used.
 */
export async function runConsumerLoad(options: ConsumerLoadOptions): Promise<ConsumerLoadResult> {
  const { variant, ...load } = options;
  const run = await rotateUnderLoad({
    ...load,
    application: variant === 'baseline' ? createBaselineApplication : createSampleApplication,
  });
  const { secrets: _secrets, rotations: _rotations, firstUse: _firstUse, ...counts } = run;
  return {
    variant,
    rotationsPerKind: options.rotations,
    ...counts,
    maxLagAfterFinishMs: maxLagAfterFinish(run),
    storedValues: await storedValues(options.stack, run),
  };
}
