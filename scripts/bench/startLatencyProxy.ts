import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy, timed as its caller saw it (added latency included). */
export interface ProxiedCall {
  readonly operation: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface LatencyProxy {
  readonly url: string;
  readonly calls: ProxiedCall[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the local Secrets Manager that holds every request back `latencyMs`
 * before forwarding it, as a regional round trip would, and records when each call started and
 * ended, so concurrent calls can be told from sequential ones.
 */
export async function startLatencyProxy(target: () => string, latencyMs: number): Promise<LatencyProxy> {
  const calls: ProxiedCall[] = [];
  const server = createServer((incoming, outgoing) => {
    const startedAt = performance.now();
    const operation =
      String(incoming.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? 'unknown';
    const body: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => body.push(chunk));
    incoming.on('end', () => {
      setTimeout(() => {
        const upstream = new URL(target());
        const forwarded = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers,
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
            answer.on('end', () => calls.push({ operation, startedAt, endedAt: performance.now() }));
          },
        );
        forwarded.on('error', () => {
          outgoing.writeHead(502);
          outgoing.end();
        });
        forwarded.end(Buffer.concat(body));
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The number of round trips that had to follow one another: the longest chain of calls in which
 * each starts after the one before it ended (calls that overlap share a round trip).
 */
export function sequentialRoundTrips(calls: readonly ProxiedCall[]): number {
  let chain = 0;
  let freeAt = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.endedAt - b.endedAt)) {
    if (call.startedAt >= freeAt) {
      chain += 1;
      freeAt = call.endedAt;
    }
  }
  return chain;
}
