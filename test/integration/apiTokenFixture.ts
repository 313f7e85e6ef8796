import { Logger } from '@aws-lambda-powertools/logger';
import { localTokenServiceSettings } from '../../local/token-service/localTokenServiceSettings.js';
import type { TokenService } from '../../local/token-service/startTokenService.js';
import type { ServiceToken } from '../../local/token-service/TokenServiceState.js';
import { createRotationHandler, type RotationHandler } from '../../shared/rotation/createRotationHandler.js';
import type { RotationStep } from '../../shared/rotation/RotationEvent.js';
import type { ApiTokenConfig } from '../../shared/targets/api-token/ApiTokenConfig.js';
import { createApiTokenTarget } from '../../shared/targets/api-token/createApiTokenTarget.js';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import { CrashGate } from '../fakes/CrashGate.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { retryRotation } from '../fakes/retryRotation.js';
import { startTestTokenService } from '../helpers/startTestTokenService.js';

export { STEPS } from '../fakes/retryRotation.js';
export const SEED_VERSION = '0a0b0c0d-1111-4222-8333-444455556666';
export const VERSION_1 = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
export const VERSION_2 = '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const ROTATION_TOKEN = 'rotation-token-kept-private-123';

export interface ApiTokenFixtureOptions {
  readonly crashAt?: { readonly index: number; readonly when: 'before' | 'after' };
  readonly singleLiveToken?: boolean;
  /** The function's opt-in to rotate a one-live-token provider without an admin secret (default on). */
  readonly allowSingleLiveWithoutAdmin?: boolean;
  readonly seedScopes?: readonly string[];
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
}

export interface ApiTokenFixture {
  readonly service: TokenService;
  readonly store: InMemorySecretStore;
  readonly gate: CrashGate;
  readonly seed: ServiceToken;
  /** Every token the service ever issued, revoked ones included, for leak scans. */
  readonly issued: ServiceToken[];
  readonly handler: RotationHandler;
  /** Invokes one step as a fresh invocation (a crashed process is replaced). */
  step(step: RotationStep, versionId?: string): Promise<void>;
  /** The four steps in order; on failure starts again from createSecret, as Secrets Manager retries. */
  rotate(versionId?: string, maxAttempts?: number): Promise<number>;
  /** Starts a rotation as RotateSecret does: a value-less AWSPENDING placeholder. */
  begin(versionId: string): void;
  tokenAt(stage: string): { token: string; tokenId: string } | undefined;
  /** Whether the service accepts the token (GET /v1/me answers 200). */
  works(token: string): Promise<boolean>;
  liveIds(): string[];
  close(): Promise<void>;
}

/**
 * A token secret in an in-memory Secrets Manager whose provider is the real local token service,
 * described by the generic HTTP provider settings, with a crash injectable at any I/O call.
 */
export async function apiTokenFixture(options: ApiTokenFixtureOptions = {}): Promise<ApiTokenFixture> {
  const issued: ServiceToken[] = [];
  const service = await startTestTokenService({
    port: 0,
    singleLiveToken: options.singleLiveToken ?? false,
    onIssue: (token) => issued.push(token),
  });
  const store = new InMemorySecretStore();
  const config: ApiTokenConfig = {
    namePrefix: 'rotation',
    provider: undefined,
    settings: undefined,
    policy: { allowedOrigins: ['http://127.0.0.1:*'], allowHttpLoopback: true },
    allowedAdminSecrets: undefined,
    allowSingleLiveWithoutAdmin: options.allowSingleLiveWithoutAdmin ?? true,
    http: { timeoutMs: options.timeoutMs ?? 2_000, maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 1 },
  };
  const seed = service.state.issue(
    `${tokenNameFamily(config.namePrefix, store.arn)}initial`,
    options.seedScopes ?? ['read', 'tokens:write'],
    undefined,
    new Date(),
  );
  issued.push(seed);
  store.addVersion(
    SEED_VERSION,
    JSON.stringify({
      provider: 'http',
      token: seed.token,
      tokenId: seed.id,
      owner: 'billing',
      settings: localTokenServiceSettings(service.url, { singleLiveToken: options.singleLiveToken ?? false }),
    }),
    ['AWSCURRENT'],
  );
  const gate = new CrashGate(options.crashAt);
  const gatedStore = gate.store(store);
  const handler = createRotationHandler({
    store: gatedStore,
    target: createApiTokenTarget({ config, store: gatedStore, fetchImpl: gate.fetch() }),
    logger: new Logger({ serviceName: 'api-token-test' }),
  });
  const begin = (versionId: string) => void store.addVersion(versionId, undefined, ['AWSPENDING']);
  const step = async (name: RotationStep, versionId = VERSION_1) => {
    gate.nextInvocation();
    await handler({
      Step: name,
      SecretId: store.arn,
      ClientRequestToken: versionId,
      RotationToken: ROTATION_TOKEN,
    });
  };
  begin(VERSION_1);
  return {
    service,
    store,
    gate,
    seed,
    issued,
    handler,
    step,
    begin,
    rotate: (versionId = VERSION_1, maxAttempts = 3) =>
      retryRotation((name) => step(name, versionId), maxAttempts),
    tokenAt(stage) {
      const value = store.valueAt(stage);
      if (value === undefined) return undefined;
      const parsed = JSON.parse(value) as { token: string; tokenId: string };
      return { token: parsed.token, tokenId: parsed.tokenId };
    },
    async works(token) {
      const response = await fetch(`${service.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      await response.body?.cancel();
      return response.status === 200;
    },
    liveIds: () =>
      service.state
        .all()
        .map((t) => t.id)
        .sort(),
    close: () => service.close(),
  };
}
