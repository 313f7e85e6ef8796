import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceToken {
  readonly id: string;
  readonly name: string;
  readonly token: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly expiresAt?: string;
}

/** The tokens the local service has issued; saved to a file when a data directory is given. */
export class TokenServiceState {
  readonly #tokens = new Map<string, ServiceToken>();
  readonly #file: string | undefined;

  constructor(dataDir?: string) {
    this.#file = dataDir === undefined ? undefined : join(dataDir, 'tokens.json');
    if (this.#file !== undefined && existsSync(this.#file)) {
      for (const token of JSON.parse(readFileSync(this.#file, 'utf8')) as ServiceToken[])
        this.#tokens.set(token.id, token);
    }
  }

  issue(name: string, scopes: readonly string[], ttlSeconds: number | undefined, now: Date): ServiceToken {
    const token: ServiceToken = {
      id: `tok_${randomUUID().replaceAll('-', '')}`,
      name,
      token: `lts_${randomBytes(24).toString('base64url')}`,
      scopes,
      createdAt: now.toISOString(),
      ...(ttlSeconds === undefined
        ? {}
        : { expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() }),
    };
    this.#tokens.set(token.id, token);
    this.#save();
    return token;
  }

  /** The live token with this value, if any (expired tokens count as unknown). */
  byValue(value: string, now: Date): ServiceToken | undefined {
    for (const token of this.#tokens.values()) {
      if (token.token === value) {
        return token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now.getTime()
          ? undefined
          : token;
      }
    }
    return undefined;
  }

  revoke(id: string): boolean {
    const deleted = this.#tokens.delete(id);
    if (deleted) this.#save();
    return deleted;
  }

  all(): readonly ServiceToken[] {
    return [...this.#tokens.values()];
  }

  #save(): void {
    if (this.#file === undefined) return;
    writeFileSync(`${this.#file}.tmp`, JSON.stringify(this.all()), { mode: 0o600 });
    renameSync(`${this.#file}.tmp`, this.#file);
  }
}
