import { fileURLToPath } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '../../local/stack/startLocalStack.js';
import { LOOPBACK_PROVIDER_ENVIRONMENT } from '../../shared/targets/api-token/ProviderPolicy.js';
import { auditOutput, auditSecrets } from '../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';

export interface TestStack {
  readonly stack: LocalStack;
  readonly client: SecretsManagerClient;
  /** Every line the stack and its functions logged, for leak scans. */
  readonly log: string[];
  close(): Promise<void>;
}

/** The local stack on a free port with the built functions, fast retries, and an SDK client. */
export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  const log: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    functionsDir: fileURLToPath(new URL('../../dist', import.meta.url)),
    retry: { maxAttempts: 3, baseDelayMs: 10 },
    schedulerIntervalMs: 0,
    logSink: (line) => log.push(line),
    ...options,
    // Tests that are not about the allow-lists name masters, admin secrets and token services of their
    // own; the attack suite sets every one of these itself.
    functionEnvironment: (name) => ({
      ALLOWED_MASTER_SECRET_ARNS: '*',
      ALLOWED_ADMIN_SECRET_ARNS: '*',
      ...(name === 'api-token' ? LOOPBACK_PROVIDER_ENVIRONMENT : {}),
      ...options.functionEnvironment?.(name),
    }),
  });
  const client = new SecretsManagerClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    stack,
    client,
    log,
    async close() {
      client.destroy();
      await stack.close();
      auditOutput(log.join('\n'));
      auditSecrets(
        stack.secretsManager.store
          .all()
          .flatMap((record) => record.versions)
          .flatMap((version) =>
            version.secretString === undefined ? [] : sensitiveStrings(version.secretString),
          ),
      );
    },
  };
}
