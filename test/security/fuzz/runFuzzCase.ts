import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { ServiceToken } from '../../../local/token-service/TokenServiceState.js';
import { tokenNameFamily } from '../../../shared/targets/api-token/tokenNameFamily.js';
import { auditSecrets } from '../../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../../testing/leaks/sensitiveStrings.js';
import { type DatabaseSnapshot, databaseSnapshot } from './databaseSnapshot.js';
import type { HostileSecret } from './hostileSecret.js';
import type { FuzzEnvironment } from './startFuzzEnvironment.js';

export const FUZZED_FUNCTIONS = ['postgres-single-user', 'postgres-alternating-users', 'api-token'] as const;
export type FuzzedFunction = (typeof FUZZED_FUNCTIONS)[number];

/** Long enough for the slowest refusal (a provider call retried with backoff), short of a hang. */
const ROTATION_TIMEOUT_MS = 30_000;

export type CaseOutcome =
  | { readonly rotated: true }
  | {
      readonly rotated: false;
      readonly message: string;
      /** The `<ErrorName>` of `Rotation <id> failed: <ErrorName>: …`, when the text has that form. */
      readonly errorName: string | undefined;
      /** The step that failed, from the runner's record. */
      readonly step: string | undefined;
    };

export interface StoredValue {
  readonly versionId: string;
  readonly value: string;
}

/** Everything the invariants look at, from just before RotateSecret to just after it ended. */
export interface FuzzCaseResult {
  readonly fn: FuzzedFunction;
  readonly arn: string;
  /** The start of every token name the function may give this secret. */
  readonly family: string;
  readonly outcome: CaseOutcome;
  readonly currentBefore: StoredValue;
  readonly currentAfter: StoredValue;
  /** Every version of the fuzzed secret the endpoint holds, whatever its stages. */
  readonly storedValues: readonly string[];
  readonly databaseBefore: DatabaseSnapshot;
  readonly databaseAfter: DatabaseSnapshot;
  readonly tokensBefore: readonly ServiceToken[];
  readonly tokensAfter: readonly ServiceToken[];
  /** What the attacker listener received while this case ran. */
  readonly attackerReceived: string;
}

const FUNCTION_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

async function current(env: FuzzEnvironment, arn: string): Promise<StoredValue> {
  const value = await env.stack.client.send(new GetSecretValueCommand({ SecretId: arn }));
  return { versionId: value.VersionId ?? '', value: value.SecretString ?? '' };
}

/**
 * Stores `secret` as the AWSCURRENT value of a new secret, rotates it with the built function
 * through RotateSecret, and records what the invariants need. Nothing here judges the outcome.
 */
export async function runFuzzCase(
  env: FuzzEnvironment,
  fn: FuzzedFunction,
  secret: HostileSecret,
  index: number,
): Promise<FuzzCaseResult> {
  const { client } = env.stack;
  const heardBefore = env.attacker.received().length;
  await env.resetOwnLogin();
  const name = `/fuzz/${fn}/case-${index}-${randomBytes(4).toString('hex')}`;
  const arn = (await client.send(new CreateSecretCommand({ Name: name }))).ARN ?? '';
  const family = tokenNameFamily('rotation', arn);
  // The attacker's own token may issue and revoke, so that a token secret without an admin secret
  // rotates: the only credential the function holds is then the attacker's own.
  const own =
    fn === 'api-token'
      ? env.tokens.state.issue(`${family}initial`, ['read', 'tokens:write'], undefined, new Date())
      : undefined;
  const text = secret.text({ ownArn: arn, ownToken: own?.token ?? '', ownTokenId: own?.id ?? '' });
  auditSecrets(sensitiveStrings(text));
  await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: text }));

  const currentBefore = await current(env, arn);
  const databaseBefore = await databaseSnapshot(env.pg);
  const tokensBefore = [...env.tokens.state.all()];

  const started = await client.send(
    new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN(fn) }),
  );
  const versionId = started.VersionId ?? '';
  const outcome: CaseOutcome = await env.stack.stack.runner
    .waitForRotation(arn, versionId, ROTATION_TIMEOUT_MS)
    .then(() => ({ rotated: true }) as const)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const record = env.stack.stack.runner.rotations(arn).find((r) => r.versionId === versionId);
      return {
        rotated: false,
        message,
        errorName: /^Rotation \S+ failed: ([^:\s]+):/.exec(message)?.[1],
        step: record?.steps.findLast((s) => s.outcome === 'failed')?.step,
      } as const;
    });

  const stored = env.stack.stack.secretsManager.store.all().find((record) => record.arn === arn);
  return {
    fn,
    arn,
    family,
    outcome,
    currentBefore,
    currentAfter: await current(env, arn),
    storedValues: (stored?.versions ?? []).flatMap((v) =>
      v.secretString === undefined ? [] : [v.secretString],
    ),
    databaseBefore,
    databaseAfter: await databaseSnapshot(env.pg),
    tokensBefore,
    tokensAfter: [...env.tokens.state.all()],
    attackerReceived: env.attacker.received().slice(heardBefore),
  };
}
