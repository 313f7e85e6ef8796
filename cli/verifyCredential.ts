import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { Env } from '../shared/config/env.js';
import { SecretsManagerStore } from '../shared/secrets/SecretsManagerStore.js';
import { parseSecretJson } from '../shared/secrets/secretJson.js';
import { isLoopbackHost, LOOPBACK_PROVIDER_ENVIRONMENT } from '../shared/targets/api-token/ProviderPolicy.js';
import { TARGET_NAMES, TARGETS, targetNamed } from '../shared/targets/registry.js';
import type { Cli } from './Cli.js';
import type { CredentialCheck } from './diagnose.js';

/** The target names `--target` accepts: every registered target. */
export const TARGET_CHOICES = TARGET_NAMES;

/** The target from the rotation function's name, else from the value's shape. */
export function targetFor(functionArn: string | undefined, value: string): string {
  const named = TARGETS.find(
    (t) => functionArn?.endsWith(`:function:${t.name}`) || functionArn?.endsWith(`-${t.name}`),
  );
  if (named !== undefined) return named.name;
  let fields: ReturnType<typeof parseSecretJson> = {};
  try {
    fields = parseSecretJson(value);
  } catch {
    // Not a JSON object: only the last target's shape check can apply, and it will say so.
  }
  return (TARGETS.find((t) => t.recognizes(fields)) ?? TARGETS[TARGETS.length - 1])?.name ?? '';
}

/**
 * The checks run with the operator's environment, read as a function's configuration. Against the
 * local stack (a loopback endpoint) the provider rules are the ones the local stack gives its
 * functions, unless the environment sets them.
 */
export function checkEnvironment(endpoint: string | undefined, env: Env = process.env): Env {
  let local = false;
  try {
    local = endpoint !== undefined && isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    local = false;
  }
  return local ? { ...LOOPBACK_PROVIDER_ENVIRONMENT, ...env } : env;
}

export interface Verdict {
  readonly works: boolean;
  /** Error name and message when it does not; never a value. */
  readonly reason: string | undefined;
}

/** Runs the target's own testSecret check against one stored value, changing nothing. */
export async function verifyCredential(
  cli: Pick<Cli, 'client' | 'endpoint' | 'environment'>,
  targetName: string,
  secretArn: string,
  versionId: string,
  value: string,
  label?: string,
): Promise<Verdict> {
  const logger = new Logger({ serviceName: 'secrets-rotation-cli', logLevel: 'SILENT' });
  try {
    const definition = targetNamed(targetName);
    if (definition === undefined) throw new Error(`no target named ${targetName}`);
    const target = definition.create(
      checkEnvironment(cli.endpoint, cli.environment?.(targetName)),
      new SecretsManagerStore(cli.client),
    );
    await target.test(target.parse(value), {
      secretArn,
      versionId,
      logger,
      ...(label === undefined ? {} : { label }),
    });
    return { works: true, reason: undefined };
  } catch (error) {
    return {
      works: false,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
    };
  }
}

/**
 * Runs the target's test against AWSCURRENT and AWSPENDING of a stuck secret, changing nothing:
 * which one the target takes. Each value is read, tried and dropped; none is kept or printed.
 */
export async function checkBothCredentials(
  cli: Pick<Cli, 'client' | 'endpoint' | 'environment'>,
  state: { readonly arn: string; readonly rotationFunctionArn: string | undefined },
  currentVersionId: string | undefined,
  pendingVersionId: string,
  target?: string,
): Promise<CredentialCheck> {
  const read = async (versionId: string) =>
    (await cli.client.send(new GetSecretValueCommand({ SecretId: state.arn, VersionId: versionId })))
      .SecretString ?? '';
  const currentValue = currentVersionId === undefined ? '' : await read(currentVersionId);
  const chosen = target ?? targetFor(state.rotationFunctionArn, currentValue);
  const current =
    currentVersionId === undefined
      ? { works: false, reason: 'no AWSCURRENT version' }
      : await verifyCredential(cli, chosen, state.arn, currentVersionId, currentValue, 'AWSCURRENT');
  const pending = await verifyCredential(
    cli,
    chosen,
    state.arn,
    pendingVersionId,
    await read(pendingVersionId),
    'AWSPENDING',
  );
  return { target: chosen, current, pending };
}
