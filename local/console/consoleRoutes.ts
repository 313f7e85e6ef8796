import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CliError } from '../../cli/CliError.js';
import { DEFAULT_STUCK_AFTER_MINUTES, type StatusContext } from '../../cli/statusOf.js';
import type { Env } from '../../shared/config/env.js';
import { regionOfArn } from '../endpoint/arns.js';
import type { RotationRunner } from '../runner/RotationRunner.js';
import { buildConsoleState, type SecretLocation } from './buildConsoleState.js';
import { cachedCredentialChecks } from './cachedCredentialChecks.js';
import { checkConsoleRequest } from './checkConsoleRequest.js';
import { cancelStuckRotation, rotateNow } from './consoleActions.js';
import { loadConsolePage } from './consolePage.js';
import { ConsoleBadRequestError, ConsoleRequestRefusedError, PendingVersionChangedError } from './errors.js';

export const CONSOLE_PATH = '/_local/console';
const MAX_ACTION_BODY_BYTES = 4 * 1024;
/** How long a credential check of a stuck secret is reused while the page polls. */
const CREDENTIAL_CHECK_TTL_MS = 10_000;

export interface ConsoleOptions {
  /** The endpoint's URL, known once it listens. */
  endpoint(): string;
  /** Every secret the endpoint holds, located (never read) for the console to ask about. */
  secrets(): readonly SecretLocation[];
  readonly runner: Pick<RotationRunner, 'rotations' | 'events'>;
  /** What a target's credential check gets: its function's environment. */
  readonly environment?: (target: string) => Env;
  readonly clock?: () => Date;
}

export interface LocalConsole {
  /** Answers requests under /_local/console; returns true when it answered. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): void;
}

/** The headers every console answer carries: never cached, never framed, only its own scripts. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function send(res: ServerResponse, status: number, type: string, body: string): true {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}

const json = (res: ServerResponse, status: number, body: object) =>
  send(res, status, 'application/json', JSON.stringify(body));

const failure = (res: ServerResponse, status: number, type: string, message: string) =>
  json(res, status, { ok: false, error: { type, message } });

async function readAction(
  req: IncomingMessage,
): Promise<{ secretArn: string; versionId: string | undefined }> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > MAX_ACTION_BODY_BYTES)
      throw new ConsoleBadRequestError('The body is larger than 4 KiB.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ConsoleBadRequestError('The body is not JSON.');
  }
  const { secretArn, versionId } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof secretArn !== 'string' || regionOfArn(secretArn) === undefined)
    throw new ConsoleBadRequestError('The body must name a secret by its ARN: {"secretArn": "arn:aws:…"}.');
  if (versionId !== undefined && typeof versionId !== 'string')
    throw new ConsoleBadRequestError('versionId must be a string.');
  return { secretArn, versionId };
}

/** An error as the page shows it: its status, name and message (AWS's and ours never carry a value). */
function describe(error: unknown): { status: number; type: string; message: string } {
  if (
    error instanceof ConsoleRequestRefusedError ||
    error instanceof ConsoleBadRequestError ||
    error instanceof PendingVersionChangedError
  )
    return { status: error.status, type: error.name, message: error.message };
  // The CLI's refusals: cancel would drop the credential the target uses, or cannot tell.
  if (error instanceof CliError) return { status: 409, type: 'CancelRefused', message: error.message };
  if (error instanceof Error && '$metadata' in error)
    return { status: 409, type: error.name, message: error.message };
  return {
    status: 500,
    type: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : 'unknown error',
  };
}

/**
 * The local stack's web console: every secret, its diagnosis, its rotations step by step and its
 * events, refreshed every second, with "rotate now" and "cancel". It reads and acts through the
 * endpoint's own API, as the CLI does, and shows no value (see ConsoleState). The server's Host
 * check runs first; actions also pass checkConsoleRequest (CSRF).
 */
export function createConsole(options: ConsoleOptions): LocalConsole {
  const clock = options.clock ?? (() => new Date());
  const token = randomBytes(32).toString('base64url');
  const page = loadConsolePage(token);
  const checkCredentials = cachedCredentialChecks(CREDENTIAL_CHECK_TTL_MS, clock);
  const clients = new Map<string, SecretsManagerClient>();

  const context = (region: string): StatusContext => {
    let client = clients.get(region);
    if (client === undefined) {
      // Signed for `region`: the endpoint serves each request in the Region of its signature.
      client = new SecretsManagerClient({
        endpoint: options.endpoint(),
        region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      clients.set(region, client);
    }
    return {
      client,
      endpoint: options.endpoint(),
      now: clock,
      ...(options.environment === undefined ? {} : { environment: options.environment }),
    };
  };

  const act = async (req: IncomingMessage, res: ServerResponse, action: 'rotate' | 'cancel') => {
    try {
      checkConsoleRequest(req.headers, token);
      const { secretArn, versionId } = await readAction(req);
      const at = context(regionOfArn(secretArn) ?? '');
      if (action === 'cancel' && versionId === undefined)
        throw new ConsoleBadRequestError('Cancel names the pending version the page showed: versionId.');
      const outcome =
        action === 'rotate'
          ? await rotateNow(at, secretArn)
          : await cancelStuckRotation(at, secretArn, versionId ?? '');
      return json(res, 200, { ok: true, ...outcome });
    } catch (error) {
      const { status, type, message } = describe(error);
      return failure(res, status, type, message);
    }
  };

  return {
    async handle(req, res) {
      const { pathname } = new URL(req.url ?? '/', 'http://local');
      if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
      const route = pathname.slice(CONSOLE_PATH.length).replace(/^\/$/, '');
      const method = req.method ?? 'GET';
      if (route === '/api/rotate' || route === '/api/cancel') {
        if (method !== 'POST') return failure(res, 405, 'MethodNotAllowed', `${route} takes POST.`);
        return act(req, res, route === '/api/rotate' ? 'rotate' : 'cancel');
      }
      if (method !== 'GET' && method !== 'HEAD')
        return failure(res, 405, 'MethodNotAllowed', `${CONSOLE_PATH}${route} takes GET.`);
      switch (route) {
        case '':
          return send(res, 200, 'text/html; charset=utf-8', page.html);
        case '/console.js':
          return send(res, 200, 'text/javascript; charset=utf-8', page.script);
        case '/console.css':
          return send(res, 200, 'text/css; charset=utf-8', page.styles);
        case '/api/state':
          try {
            const state = await buildConsoleState({
              endpoint: options.endpoint(),
              stuckAfterMinutes: DEFAULT_STUCK_AFTER_MINUTES,
              secrets: options.secrets,
              context,
              rotations: (arn) => options.runner.rotations(arn),
              events: () => options.runner.events(),
              checkCredentials,
              now: clock,
            });
            return json(res, 200, state);
          } catch (error) {
            const { type, message } = describe(error);
            return failure(res, 500, type, message);
          }
        default:
          return failure(res, 404, 'NotFound', `No console route ${CONSOLE_PATH}${route}.`);
      }
    },
    close() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
