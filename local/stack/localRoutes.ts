import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalConsole } from '../console/consoleRoutes.js';
import type { RotationRunner } from '../runner/RotationRunner.js';
import type { InvokeAnswer } from './invokeRotationFunction.js';

const MAX_INVOKE_BODY_BYTES = 64 * 1024;

function answer(res: ServerResponse, status: number, body: object): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > MAX_INVOKE_BODY_BYTES) return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The local stack's own routes under /_local/. The GET views are read-only and carry ids, timings
 * and errors, never values. POST /_local/invoke runs a secret's rotation function with one step
 * (see invokeRotationFunction), as Lambda's Invoke does for `secrets-rotation rotate` in AWS.
 * `webConsole` answers /_local/console (the web console) first.
 */
export function localRoutes(
  runner: RotationRunner,
  invoke?: (request: unknown) => Promise<InvokeAnswer>,
  webConsole?: LocalConsole,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (webConsole !== undefined && (await webConsole.handle(req, res))) return true;
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/_local/invoke' && req.method === 'POST' && invoke !== undefined) {
      // Only a JSON content type: a web page can send a cross-site POST with a form or text/plain
      // body without asking, but application/json needs a CORS preflight that this server never grants.
      const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json')
        return answer(res, 415, {
          __type: 'UnsupportedMediaTypeException',
          message: 'POST /_local/invoke takes Content-Type: application/json only.',
        });
      const request = await readJson(req);
      if (request === undefined)
        return answer(res, 400, {
          __type: 'InvalidRequestContentException',
          message: 'The body must be a JSON object of at most 64 KiB.',
        });
      const { status, body } = await invoke(request);
      return answer(res, status, body);
    }
    const body = (() => {
      switch (url.pathname) {
        case '/_local/health':
          return { status: 'ok' };
        case '/_local/rotations':
          return { rotations: runner.rotations(url.searchParams.get('secretId') ?? undefined) };
        case '/_local/events':
          return { events: runner.events() };
        default:
          return undefined;
      }
    })();
    if (body === undefined || req.method !== 'GET') return false;
    return answer(res, 200, body);
  };
}
