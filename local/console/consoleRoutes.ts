import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_STUCK_AFTER_MINUTES, type StatusContext } from '../../cli/statusOf.js';
import type { Env } from '../../shared/config/env.js';
import { regionOfArn } from '../endpoint/arns.js';
import type { RotationRunner } from '../runner/RotationRunner.js';
import { buildConsoleState, type SecretLocation } from './buildConsoleState.js';
import { cachedCredentialChecks } from './cachedCredentialChecks.js';
import { checkConsoleRequest } from './checkConsoleRequest.js';
import { cancelStuckRotation, rotateNow } from './consoleActions.js';
import { loadConsolePage } from './consolePage.js';
import { failure, json, send } from './consoleResponses.js';
import { describeConsoleError } from './describeConsoleError.js';
import { ConsoleBadRequestError } from './errors.js';
import { readConsoleAction } from './readConsoleAction.js';

export const CONSOLE_PATH = '/_local/console';
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
      const { secretArn, versionId } = await readConsoleAction(req);
      const at = context(regionOfArn(secretArn) ?? '');
      if (action === 'cancel' && versionId === undefined)
        throw new ConsoleBadRequestError('Cancel names the pending version the page showed: versionId.');
      const outcome =
        action === 'rotate'
          ? await rotateNow(at, secretArn)
          : await cancelStuckRotation(at, secretArn, versionId ?? '');
      return json(res, 200, { ok: true, ...outcome });
    } catch (error) {
      const { status, type, message } = describeConsoleError(error);
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
            const { type, message } = describeConsoleError(error);
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
