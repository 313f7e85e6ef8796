import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RotationRunner } from '../runner/RotationRunner.js';

/** Read-only operator views of the local stack. They carry ids, timings and errors, never values. */
export function localRoutes(runner: RotationRunner) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://local');
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
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  };
}
