import type { ServerResponse } from 'node:http';

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

export function send(res: ServerResponse, status: number, type: string, body: string): true {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}

export const json = (res: ServerResponse, status: number, body: object) =>
  send(res, status, 'application/json', JSON.stringify(body));

/** A refused or failed request, as the page shows it. */
export const failure = (res: ServerResponse, status: number, type: string, message: string) =>
  json(res, status, { ok: false, error: { type, message } });
