import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import type { FaultPlan } from './FaultPlan.js';
import { httpRequestFramer, httpResponseWatcher } from './httpFraming.js';
import type { ProxiedUnit, RequestFramer, ResponseWatcher } from './ProxiedUnit.js';
import { postgresRequestFramer, postgresResponseWatcher } from './postgresFraming.js';

export interface FaultProxyOptions {
  readonly protocol: 'http' | 'postgres';
  /** Names the service in call labels: `secretsmanager`, `provider`, `postgres`. */
  readonly service: string;
  readonly upstream: { readonly host: string; readonly port: number };
  readonly plan: FaultPlan;
  /**
   * Postgres only: the proxy answers the client's SSLRequest itself with this certificate (valid
   * for 127.0.0.1) and opens its own verified TLS session to the server, so it sees statements.
   */
  readonly tls?: { readonly certPem: string; readonly keyPem: string; readonly caPem: string };
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;

function once(socket: Socket, event: 'data' | 'secureConnect' | 'connect'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    socket.once('error', fail);
    socket.once('close', () => reject(new Error('connection closed during the handshake')));
    socket.once(event, (data?: Buffer) => {
      socket.off('error', fail);
      resolve(data ?? Buffer.alloc(0));
    });
  });
}

/** Opens the server side; for Postgres with TLS, also answers the client's SSLRequest. */
async function openPair(
  client: Socket,
  options: FaultProxyOptions,
): Promise<{ client: Socket; upstream: Socket; first: Buffer }> {
  const raw = connect(options.upstream.port, options.upstream.host);
  await once(raw, 'connect');
  if (options.protocol !== 'postgres' || options.tls === undefined)
    return { client, upstream: raw, first: Buffer.alloc(0) };
  const first = await once(client, 'data');
  if (first.length < 8 || first.readInt32BE(4) !== SSL_REQUEST) return { client, upstream: raw, first };
  raw.write(first.subarray(0, 8));
  const answer = await once(raw, 'data');
  if (answer.toString('latin1') !== 'S') throw new Error('the server refused TLS');
  const upstream = tlsConnect({ socket: raw, ca: options.tls.caPem, servername: 'localhost' });
  await once(upstream, 'secureConnect');
  client.write('S');
  const secured = new TLSSocket(client, {
    isServer: true,
    cert: options.tls.certPem,
    key: options.tls.keyPem,
  });
  return { client: secured, upstream, first: Buffer.alloc(0) };
}

/**
 * A TCP proxy between a function and one service that sees each call (an HTTP request, a Postgres
 * statement) and applies the fault its plan picks: an error answer, a killed function process, a
 * reset or cut connection, a delay, or a stall. Everything else passes through unchanged.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((accepted) => {
    sockets.add(accepted);
    accepted.on('error', () => undefined);
    accepted.once('close', () => sockets.delete(accepted));
    void serve(accepted).catch(() => accepted.destroy());
  });

  async function serve(accepted: Socket): Promise<void> {
    const { client, upstream, first } = await openPair(accepted, options);
    sockets.add(upstream);
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      accepted.destroy();
    };
    client.once('close', closeBoth);
    upstream.once('close', () => {
      sockets.delete(upstream);
      closeBoth();
    });

    const framer: RequestFramer =
      options.protocol === 'http' ? httpRequestFramer(options.service) : postgresRequestFramer();
    // While a call's answer is being watched (to cut it or kill after it), answer bytes are held.
    let watching: { readonly watcher: ResponseWatcher; readonly done: (first: boolean) => void } | undefined;
    let answered = false;
    upstream.on('data', (chunk: Buffer) => {
      if (watching === undefined) {
        client.write(chunk);
        return;
      }
      const complete = watching.watcher.feed(chunk);
      if (!answered) {
        answered = true;
        watching.done(true);
      }
      if (complete) watching.done(false);
    });
    const answer = (call: Extract<ProxiedUnit, { kind: 'call' }>, until: 'first' | 'complete') =>
      new Promise<void>((resolve) => {
        answered = false;
        const watcher =
          options.protocol === 'http'
            ? httpResponseWatcher()
            : postgresResponseWatcher(call.label === 'postgres connect');
        watching = {
          watcher,
          done: (firstBytes) => {
            if (until === 'first' || !firstBytes) resolve();
          },
        };
        upstream.once('close', () => resolve());
        upstream.write(call.bytes);
      });

    let queue = Promise.resolve();
    const handle = async (unit: ProxiedUnit): Promise<void> => {
      if (client.destroyed) return;
      if (unit.kind === 'pass') {
        upstream.write(unit.bytes);
        return;
      }
      const fault = options.plan.decide(unit.label, unit.retryKey);
      switch (fault) {
        case undefined:
          upstream.write(unit.bytes);
          return;
        case 'delay':
          await sleep(options.plan.delayMs);
          upstream.write(unit.bytes);
          return;
        case 'error':
          client.write(unit.errorReply);
          if (unit.closeAfterError === true) client.end();
          return;
        case 'drop':
          closeBoth();
          return;
        case 'stall':
          // Holds this connection's queue too: nothing more reaches the service until the client gives up.
          await new Promise((resolve) => client.once('close', resolve));
          return;
        case 'kill-before':
          await options.plan.kill();
          closeBoth();
          return;
        case 'cut':
          await answer(unit, 'first');
          closeBoth();
          return;
        case 'kill-after':
          await answer(unit, 'complete');
          await options.plan.kill();
          closeBoth();
          return;
      }
    };
    const feed = (chunk: Buffer) => {
      for (const unit of framer.feed(chunk)) queue = queue.then(() => handle(unit)).catch(closeBoth);
    };
    if (first.length > 0) feed(first);
    client.on('data', feed);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
