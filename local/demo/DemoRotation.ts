import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** What a demo proved; `detail` is printable (identifiers and timings, never values). */
export interface DemoResult {
  readonly name: string;
  readonly verified: boolean;
  readonly detail: string;
  readonly durationMs: number;
}

export interface DemoContext {
  readonly client: SecretsManagerClient;
  readonly region: string;
  readonly accountId: string;
  /** Resolves when the rotation of `versionId` ends; rejects with the failure reason. */
  waitForRotation(secretArn: string, versionId: string, timeoutMs: number): Promise<void>;
}

/** One end-to-end rotation the local stack can show: set up, rotate through RotateSecret, verify. */
export interface DemoRotation {
  readonly name: string;
  /** The rotation function (`functions/<name>`) the demo uses. */
  readonly functionName: string;
  run(context: DemoContext): Promise<DemoResult>;
}
