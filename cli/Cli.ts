import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Env } from '../shared/config/env.js';
import type { StepInvoker } from './invokeRotationStep.js';

export const CLI_NAME = 'secrets-rotation';

/** What every command gets: the client, where it points, and how to print. */
export interface Cli {
  readonly client: SecretsManagerClient;
  /** Set when the endpoint was overridden (the local stack, or a VPC endpoint). */
  readonly endpoint: string | undefined;
  readonly json: boolean;
  /**
   * The configuration a target's credential check reads (PG_CA_FILE, …). Absent, the process's own
   * environment: the operator's. The local stack's console gives each target its function's.
   */
  readonly environment?: (target: string) => Env;
  /** Invokes rotation functions: Lambda's Invoke API, or the local stack's when that is the endpoint. */
  stepInvoker(): Promise<StepInvoker>;
  out(text: string): void;
  /** Progress lines: stderr, so `--json` output on stdout stays parseable. */
  progress(text: string): void;
  now(): Date;
  confirm(question: string): Promise<boolean>;
}

export interface ConnectionOptions {
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly endpointUrl?: string | undefined;
}

/** The SDK's default credential chain; `--profile` selects a shared-config profile. */
export function createClient(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
): { client: SecretsManagerClient; endpoint: string | undefined; region: string | undefined } {
  if (options.profile !== undefined) env['AWS_PROFILE'] = options.profile;
  const endpoint = options.endpointUrl ?? env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] ?? env['AWS_ENDPOINT_URL'];
  const region = options.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const client = new SecretsManagerClient({
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  return { client, endpoint, region };
}
