import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError } from './AwsServiceError.js';
import { hostGuard } from './hostGuard.js';
import { Journal } from './Journal.js';
import { LocalSecretsManager, type LocalSecretsManagerOptions } from './LocalSecretsManager.js';
import { operations } from './operations.js';
import { RequestInput } from './RequestInput.js';
import type { RequestQuotas } from './RequestQuotas.js';
import type { RotationHooks } from './RotationHooks.js';
import { requestRegion } from './requestRegion.js';

const MAX_BODY_BYTES = 1024 * 1024;
const TARGET_PREFIX = 'secretsmanager.';
const SERVICE = 'local Secrets Manager endpoint';

export interface SecretsManagerServerOptions {
  /** Default 127.0.0.1. Any other than a loopback address needs `allowRemote`. */
  readonly host?: string;
  /** Lets `host` be reachable from other machines; the Host check then accepts it too. */
  readonly allowRemote?: boolean;
  /** Where the warning about remote access goes. Default: stderr. */
  readonly warn?: (message: string) => void;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Without it, state lives in memory only. */
  readonly dataDir?: string;
  /**
   * The Region of unsigned requests. A signed request is served in the Region of its credential
   * scope, so one endpoint serves every Region, each with its own secrets and ARNs.
   */
  readonly region?: string;
  /** The account in every ARN. Default 000000000000. */
  readonly accountId?: string;
  /** Request-rate quotas (AWS's with `new RequestQuotas()`); none when absent. */
  readonly quotas?: RequestQuotas;
  readonly clock?: () => Date;
  readonly hooks?: RotationHooks;
  readonly onEvent?: LocalSecretsManagerOptions['onEvent'];
  /** Answers requests under /_local/ (operator views); returns true when it answered. */
  readonly localRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** Called with each operation name, for counting calls. */
  readonly onRequest?: (operation: string) => void;
}

export interface LocalSecretsManagerServer {
  readonly url: string;
  readonly port: number;
  readonly store: LocalSecretsManager;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, type: string, message: string, status = 400): void {
  send(res, status, { __type: type, message, Message: message });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A local Secrets Manager speaking AWS JSON 1.1, for the real SDK and CLI. It accepts any
 * credentials and signature: it is for a developer's machine, never for a network. It listens on
 * loopback only (unless `allowRemote`) and answers only loopback Host names (see hostGuard).
 */
export async function startSecretsManagerServer(
  options: SecretsManagerServerOptions = {},
): Promise<LocalSecretsManagerServer> {
  const host = options.host ?? '127.0.0.1';
  const guard = hostGuard({ host, allowRemote: options.allowRemote ?? false });
  const opened = options.dataDir === undefined ? undefined : Journal.open(options.dataDir);
  const store = new LocalSecretsManager({
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    clock: options.clock ?? (() => new Date()),
    ...(opened === undefined ? {} : { journal: opened.journal, records: opened.records }),
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });

  // Without requireHostHeader: false, Node itself answers a Host-less HTTP/1.1 request with 400.
  const server = createServer({ requireHostHeader: false }, async (req, res) => {
    try {
      // First, before any route or operation: a refused request must change and reveal nothing.
      if (!guard.allows(req.headers.host)) {
        sendError(res, 'AccessDeniedException', guard.refusal(SERVICE, req.headers.host), 403);
        return;
      }
      if (req.url?.startsWith('/_local/') && options.localRoutes !== undefined) {
        if (await options.localRoutes(req, res)) return;
      }
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
        sendError(
          res,
          'UnknownOperationException',
          'Expected a POST with X-Amz-Target: secretsmanager.<Operation>.',
        );
        return;
      }
      const name = target.slice(TARGET_PREFIX.length);
      const operation = operations[name];
      if (operation === undefined) {
        sendError(
          res,
          'UnknownOperationException',
          `Operation ${name} is not supported by the local endpoint.`,
        );
        return;
      }
      options.onRequest?.(name);
      const text = await readBody(req);
      if (text === undefined) {
        sendError(res, 'InvalidRequestException', 'The request body is larger than 1 MiB.', 413);
        return;
      }
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        sendError(res, 'SerializationException', 'The request body is not valid JSON.');
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        sendError(res, 'SerializationException', 'The request body must be a JSON object.');
        return;
      }
      const region = requestRegion(req.headers.authorization) ?? store.region;
      if (options.quotas?.take(region, name) === false) {
        sendError(res, 'ThrottlingException', 'Rate exceeded');
        return;
      }
      send(
        res,
        200,
        await operation(store.inRegion(region), new RequestInput(body as Record<string, unknown>)),
      );
    } catch (error) {
      if (error instanceof AwsServiceError) sendError(res, error.type, error.message);
      else sendError(res, 'InternalServiceError', 'An error occurred on the server side.', 500);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, host, resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const warning = guard.warning(
    SERVICE,
    url,
    'It has no authentication (any credentials and signature are accepted) and no TLS (secret values ' +
      'cross the network in clear text): anyone who can reach it can read and change every secret in it.',
  );
  if (warning !== undefined) (options.warn ?? ((message: string) => console.warn(message)))(warning);
  return {
    url,
    port,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}
