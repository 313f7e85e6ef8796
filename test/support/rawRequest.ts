import { request } from 'node:http';

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  /** The Host header to send; `null` sends none. The SDK and fetch always send the right one. */
  readonly host: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One HTTP/1.1 request to `url` with a Host header of the caller's choosing. */
export function rawRequest(url: string, raw: RawRequest): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        method: raw.method ?? 'GET',
        path: raw.path ?? '/',
        setHost: false,
        headers: {
          ...(raw.host === null ? {} : { host: raw.host }),
          ...(raw.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(raw.body)) }),
          ...raw.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}
