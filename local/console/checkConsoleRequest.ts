import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ConsoleRequestRefusedError } from './errors.js';

/** The header the console's page sends its per-process token in. */
export const CONSOLE_TOKEN_HEADER = 'x-console-token';

function sameToken(sent: string, token: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * The CSRF defence of the console's actions (hostGuard has already refused other Host names, the
 * DNS-rebinding defence). Any web page open in the user's browser can send a request to
 * 127.0.0.1, but only the console's own page can read the token it was served with, and a page of
 * another origin cannot send the JSON type or the token header without a CORS preflight this server
 * never grants. Browsers also say where a request comes from (Origin, Sec-Fetch-Site): when they
 * do, it must be the console's own origin. Throws ConsoleRequestRefusedError.
 */
export function checkConsoleRequest(headers: IncomingHttpHeaders, token: string): void {
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new ConsoleRequestRefusedError('the body must be application/json');
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    throw new ConsoleRequestRefusedError(`the browser says the request is ${String(site).slice(0, 20)}`);
  const origin = headers.origin;
  if (origin !== undefined) {
    const from = hostOf(origin);
    if (from === undefined || from !== hostOf(`http://${headers.host ?? ''}`))
      throw new ConsoleRequestRefusedError(`the request comes from another origin (${origin.slice(0, 100)})`);
  }
  const sent = headers[CONSOLE_TOKEN_HEADER];
  if (typeof sent !== 'string' || !sameToken(sent, token))
    throw new ConsoleRequestRefusedError(
      `the ${CONSOLE_TOKEN_HEADER} header is missing or not this page's (each start of the stack makes a ` +
        'new one: reload the console)',
    );
}
