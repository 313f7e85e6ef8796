import { setTimeout as sleep } from 'node:timers/promises';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Whether a credential works against its target: true, false (rejected), or undefined when the
 * target cannot say (it is down), which is no verdict at all.
 */
export type CredentialProbe = (value: Record<string, unknown>) => Promise<boolean | undefined>;

export interface WatchedSecret {
  readonly arn: string;
  /** `never-lost`: AWSCURRENT must work at every check; `window`: it may not, for a while. */
  readonly rule: 'never-lost' | 'window';
  readonly probe: CredentialProbe;
}

interface SecretWatch {
  readonly secret: WatchedSecret;
  /** Since when AWSCURRENT has been rejected, while it is. */
  rejectedSince?: number;
  longestWindowMs: number;
  checks: number;
}

/**
 * Checks AWSCURRENT of every secret against its target, over and over, while rotations run:
 * the outside view of a client that reads only AWSCURRENT. A rejection counts only when
 * AWSCURRENT still names the same version afterwards (a rotation that finished between the read
 * and the login is not a lockout).
 */
export class CredentialWatch {
  readonly #client: SecretsManagerClient;
  readonly #watches: SecretWatch[];
  readonly #violations: string[] = [];
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(client: SecretsManagerClient, secrets: readonly WatchedSecret[]) {
    this.#client = client;
    this.#watches = secrets.map((secret) => ({ secret, longestWindowMs: 0, checks: 0 }));
  }

  start(intervalMs = 100): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        await Promise.all(this.#watches.map((watch) => this.#check(watch)));
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Checks every secret once more now; resolves with the secrets whose AWSCURRENT is rejected. */
  async checkNow(): Promise<string[]> {
    await Promise.all(this.#watches.map((watch) => this.#check(watch)));
    return this.#watches.filter((w) => w.rejectedSince !== undefined).map((w) => w.secret.arn);
  }

  /** `never-lost` secrets whose AWSCURRENT was rejected at some check. */
  get violations(): readonly string[] {
    return [...this.#violations];
  }

  /** The longest time any `window` secret's AWSCURRENT was rejected (ms), open windows included. */
  longestWindowMs(now = Date.now()): number {
    return Math.max(
      0,
      ...this.#watches.map((w) =>
        Math.max(w.longestWindowMs, w.rejectedSince === undefined ? 0 : now - w.rejectedSince),
      ),
    );
  }

  get checks(): number {
    return this.#watches.reduce((n, w) => n + w.checks, 0);
  }

  async #current(arn: string): Promise<{ versionId: string; value: Record<string, unknown> }> {
    const out = await this.#client.send(new GetSecretValueCommand({ SecretId: arn }));
    return { versionId: out.VersionId ?? '', value: JSON.parse(out.SecretString ?? '{}') };
  }

  async #check(watch: SecretWatch): Promise<void> {
    const { arn, probe, rule } = watch.secret;
    let verdict: boolean | undefined;
    try {
      const before = await this.#current(arn);
      verdict = await probe(before.value);
      // Rejected, but AWSCURRENT moved meanwhile: the value tried was already old, no verdict.
      if (verdict === false && (await this.#current(arn)).versionId !== before.versionId) verdict = undefined;
    } catch {
      verdict = undefined;
    }
    if (verdict === undefined) return;
    watch.checks += 1;
    const now = Date.now();
    if (verdict) {
      if (watch.rejectedSince !== undefined)
        watch.longestWindowMs = Math.max(watch.longestWindowMs, now - watch.rejectedSince);
      delete watch.rejectedSince;
      return;
    }
    watch.rejectedSince ??= now;
    if (rule === 'never-lost') this.#violations.push(`${arn}: AWSCURRENT rejected`);
  }
}
