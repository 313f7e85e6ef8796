import { localTokenServiceSettings } from '../../local/token-service/localTokenServiceSettings.js';
import type { TokenService } from '../../local/token-service/startTokenService.js';
import type { ServiceToken } from '../../local/token-service/TokenServiceState.js';
import { createApiTokenTarget } from '../../shared/targets/api-token/createApiTokenTarget.js';
import { tokenNameFamily } from '../../shared/targets/api-token/tokenNameFamily.js';
import type { CrashPoint } from '../support/CrashGate.js';
import {
  createRotationHarness,
  ROTATION_TOKEN,
  type RotationHarness,
} from '../support/createRotationHarness.js';
import { IN_MEMORY_SECRET_ARN } from '../support/InMemorySecretStore.js';
import { loopbackApiTokenConfig } from '../support/loopbackApiTokenConfig.js';
import { startTestTokenService } from '../support/startTestTokenService.js';

export {
  ROTATION_TOKEN,
  SEED_VERSION,
  STEPS,
  VERSION_1,
  VERSION_2,
} from '../support/createRotationHarness.js';

export interface ApiTokenFixtureOptions {
  readonly crashAt?: CrashPoint;
  readonly singleLiveToken?: boolean;
  /** The function's opt-in to rotate a one-live-token provider without an admin secret (default on). */
  readonly allowSingleLiveWithoutAdmin?: boolean;
  readonly seedScopes?: readonly string[];
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
}

export interface ApiTokenFixture extends RotationHarness {
  readonly service: TokenService;
  readonly seed: ServiceToken;
  /** Every token the service ever issued, revoked ones included, for leak scans. */
  readonly issued: ServiceToken[];
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
  const config = loopbackApiTokenConfig(
    { timeoutMs: options.timeoutMs ?? 2_000, maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 1 },
    options.allowSingleLiveWithoutAdmin ?? true,
  );
  const seed = service.state.issue(
    `${tokenNameFamily(config.namePrefix, IN_MEMORY_SECRET_ARN)}initial`,
    options.seedScopes ?? ['read', 'tokens:write'],
    undefined,
    new Date(),
  );
  issued.push(seed);
  const harness = createRotationHarness({
    seed: JSON.stringify({
      provider: 'http',
      token: seed.token,
      tokenId: seed.id,
      owner: 'billing',
      settings: localTokenServiceSettings(service.url, { singleLiveToken: options.singleLiveToken ?? false }),
    }),
    target: ({ store, gate }) => createApiTokenTarget({ config, store, fetchImpl: gate.fetch() }),
    serviceName: 'api-token-test',
    rotationToken: ROTATION_TOKEN,
    ...(options.crashAt === undefined ? {} : { crashAt: options.crashAt }),
  });
  const { store } = harness;
  return {
    ...harness,
    service,
    seed,
    issued,
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
