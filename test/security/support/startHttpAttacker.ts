import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the attacker saw it. Header names are lower-cased; repeated headers are joined. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface AttackerResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. Omitted: an empty body. */
  readonly body?: unknown;
}

export type Respond = (request: RecordedRequest) => AttackerResponse;

export interface HttpAttackerOptions {
  /** How to answer each request; by default `200` with the JSON body `{}`. */
  readonly respond?: Respond;
}

/** A hostile HTTP endpoint that records everything it is sent. */
export interface HttpAttacker {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Every request line, header and body received so far, concatenated. */
  received(): string;
  close(): Promise<void>;
}

const answerJson: Respond = () => ({ status: 200, body: {} });

/** Answers every request with a redirect to `location` followed by the request's own path and query. */
export function redirectTo(location: string, status = 307): Respond {
  const base = location.replace(/\/+$/, '');
  return (request) => ({ status, headers: { location: `${base}${request.url}` } });
}

async function record(request: IncomingMessage): Promise<{ recorded: RecordedRequest; raw: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const headers: Record<string, string> = {};
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let at = 0; at + 1 < request.rawHeaders.length; at += 2) {
    const name = request.rawHeaders[at] ?? '';
    const value = request.rawHeaders[at + 1] ?? '';
    lines.push(`${name}: ${value}`);
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  const recorded = { method: request.method ?? '', url: request.url ?? '', headers, body };
  return { recorded, raw: `${lines.join('\r\n')}\r\n\r\n${body}` };
}

/** An HTTP server on 127.0.0.1 (free port) that records every request and answers with `respond`. */
export async function startHttpAttacker(options: HttpAttackerOptions = {}): Promise<HttpAttacker> {
  const respond = options.respond ?? answerJson;
  const requests: RecordedRequest[] = [];
  const raw: string[] = [];
  const server = createServer(async (request, response) => {
    try {
      const { recorded, raw: text } = await record(request);
      requests.push(recorded);
      raw.push(text);
      const answer = respond(recorded);
      const isText = typeof answer.body === 'string';
      const body =
        answer.body === undefined ? '' : isText ? String(answer.body) : JSON.stringify(answer.body);
      const type = answer.body === undefined || isText ? {} : { 'content-type': 'application/json' };
      response.writeHead(answer.status, { ...type, ...answer.headers }).end(body);
    } catch {
      // A throwing `respond` (the request is recorded) or an aborted upload (it is not): reset.
      response.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    received: () => raw.join(''),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; close() alone would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
