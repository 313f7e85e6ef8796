import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostGuard } from '../endpoint/hostGuard.js';
import { type ServiceToken, TokenServiceState } from './TokenServiceState.js';

export interface TokenServiceOptions {
  /** Default 127.0.0.1. Any other than a loopback address needs `allowRemote`. */
  readonly host?: string;
  /** Lets `host` be reachable from other machines; the Host check then accepts it too. */
  readonly allowRemote?: boolean;
  /** Where the warning about remote access goes. Default: stderr. */
  readonly warn?: (message: string) => void;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Tokens that may do anything and are never listed or revoked. */
  readonly adminTokens?: readonly string[];
  /** Issuing a token revokes every other token, as some APIs do. */
  readonly singleLiveToken?: boolean;
  readonly ttlSeconds?: number;
  readonly dataDir?: string;
  readonly clock?: () => Date;
  /** Sees every token issued, e.g. so tests can scan logs for all of them, revoked ones included. */
  readonly onIssue?: (token: ServiceToken) => void;
}

/**
 * The next `count` requests with `method` (any when absent) whose path starts with `path` answer
 * `status`, after waiting `delayMs` when given (a delay alone then serves the request normally).
 */
export interface Fault {
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly delayMs?: number;
  readonly count: number;
}

export interface TokenService {
  readonly url: string;
  readonly state: TokenServiceState;
  injectFault(fault: Fault): void;
  /** Requests served, by "METHOD path" with ids folded, for counting calls. */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

const ALL_SCOPES = ['read', 'tokens:write'];
const SERVICE = 'local token service';

function json(res: ServerResponse, status: number, body?: object): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const describe = (t: ServiceToken) => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
});

/**
 * A small token-issuing API for the local stack and tests: issue, verify, list, revoke, with an
 * optional one-live-token mode and injectable faults (401/429/500, slow answers). Like the local
 * endpoint it listens on loopback only (unless `allowRemote`) and answers only loopback Host names.
 */
export async function startTokenService(options: TokenServiceOptions = {}): Promise<TokenService> {
  const host = options.host ?? '127.0.0.1';
  const guard = hostGuard({ host, allowRemote: options.allowRemote ?? false });
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const state = new TokenServiceState(options.dataDir);
  const clock = options.clock ?? (() => new Date());
  const admins = new Set(options.adminTokens ?? []);
  const faults: Fault[] = [];
  const requests = new Map<string, number>();

  // Without requireHostHeader: false, Node itself answers a Host-less HTTP/1.1 request with 400.
  const server = createServer({ requireHostHeader: false }, async (req, res) => {
    // First, before counting, faults or any route: a refused request changes and reveals nothing.
    if (!guard.allows(req.headers.host)) {
      return json(res, 403, { error: guard.refusal(SERVICE, req.headers.host) });
    }
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const key = `${req.method} ${path.replace(/tok_\w+/, '{id}')}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const fault = faults.find(
      (f) =>
        f.count > 0 && path.startsWith(f.path ?? '/') && (f.method === undefined || f.method === req.method),
    );
    if (fault !== undefined) {
      faults[faults.indexOf(fault)] = { ...fault, count: fault.count - 1 };
      if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status !== undefined) return json(res, fault.status, { error: 'injected fault' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const admin = bearer !== undefined && admins.has(bearer);
    const caller = admin || bearer === undefined ? undefined : state.byValue(bearer, clock());
    if (!admin && caller === undefined) return json(res, 401, { error: 'unauthorized' });
    const scopes = admin ? ALL_SCOPES : (caller?.scopes ?? []);
    const can = (scope: string) => scopes.includes(scope);

    if (req.method === 'GET' && path === '/v1/me') {
      if (!can('read')) return json(res, 403, { error: 'missing scope read' });
      return json(res, 200, caller === undefined ? { admin: true } : describe(caller));
    }
    if (!can('tokens:write')) return json(res, 403, { error: 'missing scope tokens:write' });
    if (req.method === 'GET' && path === '/v1/tokens')
      return json(res, 200, { tokens: state.all().map(describe) });
    if (req.method === 'POST' && path === '/v1/tokens') {
      const body = await readJson(req);
      const name = typeof body['name'] === 'string' ? body['name'] : '';
      const wanted = Array.isArray(body['scopes']) ? body['scopes'].map(String) : scopes;
      if (name.length === 0 || name.length > 200)
        return json(res, 400, { error: 'name must be 1 to 200 characters' });
      if (!wanted.every(can)) return json(res, 403, { error: 'cannot grant scopes the caller lacks' });
      if (options.singleLiveToken) for (const t of state.all()) state.revoke(t.id);
      const token = state.issue(name, wanted, options.ttlSeconds, clock());
      options.onIssue?.(token);
      return json(res, 201, { ...describe(token), token: token.token });
    }
    const revoke = /^\/v1\/tokens\/(tok_\w+)$/.exec(path);
    if (req.method === 'DELETE' && revoke?.[1] !== undefined) {
      return state.revoke(revoke[1]) ? json(res, 204) : json(res, 404, { error: 'no such token' });
    }
    return json(res, 404, { error: 'not found' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4567, host, resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const warning = guard.warning(
    SERVICE,
    url,
    'It has no TLS: bearer tokens, admin tokens included, cross the network in clear text, and ' +
      'anyone who can reach it can use a token they have seen.',
  );
  if (warning !== undefined) (options.warn ?? ((message: string) => console.warn(message)))(warning);
  return {
    url,
    state,
    requests,
    injectFault: (fault) => void faults.push(fault),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
