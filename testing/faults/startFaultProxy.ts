import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import type { FaultPlan } from './FaultPlan.js';
import { httpRequestFramer, httpResponseWatcher } from './httpFraming.js';
import type { ProxiedUnit, RequestFramer, ResponseWatcher } from './ProxiedUnit.js';
import {
  postgresParameterFilter,
  postgresRequestFramer,
  postgresResponseWatcher,
} from './postgresFraming.js';

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
  /**
   * Postgres with `tls` only: the server's ParameterStatus reports of these parameters never reach the
   * client, as behind a pooler that does not pass them on. The server's bytes then go on as whole
   * messages, so a `cut` fault cuts between messages.
   */
  readonly dropServerParameters?: readonly string[];
  /** Sees every call as sent, before any fault (tests collect the values a function sent). */
  readonly observe?: (label: string, bytes: Buffer) => void;
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

/**
 * Opens the server side over `raw` (already connecting); for Postgres, also answers the client's
 * SSLRequest itself and opens its own verified TLS session to the server.
 */
async function openPair(
  client: Socket,
  raw: Socket,
  options: FaultProxyOptions,
): Promise<{ client: Socket; upstream: Socket; first: Buffer }> {
  await once(raw, 'connect');
  if (client.destroyed) throw new Error('the client left before the server answered');
  if (options.protocol !== 'postgres') return { client, upstream: raw, first: Buffer.alloc(0) };
  const tls = options.tls;
  if (tls === undefined) throw new Error('a Postgres fault proxy needs the server certificate (tls)');
  const first = await once(client, 'data');
  // A client without TLS: its startup message is already here.
  if (first.length < 8 || first.readInt32BE(4) !== SSL_REQUEST) return { client, upstream: raw, first };
  raw.write(first.subarray(0, 8));
  const answer = await once(raw, 'data');
  if (answer.toString('latin1') !== 'S') throw new Error('the server refused TLS');
  const upstream = tlsConnect({ socket: raw, ca: tls.caPem, servername: 'localhost' });
  await once(upstream, 'secureConnect');
  client.write('S');
  const secured = new TLSSocket(client, { isServer: true, cert: tls.certPem, key: tls.keyPem });
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
    void serve(accepted);
  });

  async function serve(accepted: Socket): Promise<void> {
    const raw = connect(options.upstream.port, options.upstream.host);
    sockets.add(raw);
    raw.on('error', () => undefined);
    raw.once('close', () => sockets.delete(raw));
    let pair: Awaited<ReturnType<typeof openPair>>;
    try {
      pair = await openPair(accepted, raw, options);
    } catch {
      accepted.destroy();
      raw.destroy();
      return;
    }
    const { client, upstream, first } = pair;
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      accepted.destroy();
    };
    client.once('close', closeBoth);
    upstream.once('close', closeBoth);
    // Either side may have gone while the pair was being opened.
    if (accepted.destroyed || raw.destroyed) {
      closeBoth();
      return;
    }

    const framer: RequestFramer =
      options.protocol === 'http' ? httpRequestFramer(options.service) : postgresRequestFramer();
    // While a call's answer is watched (to cut it, or to kill after it), its bytes never reach the
    // client: the connection is closed right after.
    let watching: { readonly watcher: ResponseWatcher; readonly done: (first: boolean) => void } | undefined;
    let answered = false;
    const dropped = options.dropServerParameters ?? [];
    const forward =
      dropped.length > 0 && options.protocol === 'postgres'
        ? postgresParameterFilter(new Set(dropped))
        : (chunk: Buffer) => chunk;
    upstream.on('data', (raw: Buffer) => {
      const chunk = forward(raw);
      if (chunk.length === 0) return;
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
    /** Forwards the call; true once its answer started (or completed), false if the server left first. */
    const answer = (call: Extract<ProxiedUnit, { kind: 'call' }>, until: 'first' | 'complete') =>
      new Promise<boolean>((resolve) => {
        answered = false;
        const watcher =
          options.protocol === 'http'
            ? httpResponseWatcher()
            : postgresResponseWatcher(call.label === 'postgres connect');
        watching = {
          watcher,
          done: (firstBytes) => {
            if (until === 'first' || !firstBytes) resolve(true);
          },
        };
        upstream.once('close', () => resolve(false));
        upstream.write(call.bytes);
      });

    let queue = Promise.resolve();
    const handle = async (unit: ProxiedUnit): Promise<void> => {
      if (client.destroyed) return;
      if (unit.kind === 'pass') {
        upstream.write(unit.bytes);
        return;
      }
      options.observe?.(unit.label, unit.bytes);
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
          // A reset (RST), as a dropped connection looks to the client, not an orderly close.
          accepted.resetAndDestroy();
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
          // Only while the call is still the one in flight: a kill after a lost answer could hit a later call.
          if (await answer(unit, 'complete')) await options.plan.kill();
          closeBoth();
          return;
      }
    };
    const feed = (chunk: Buffer) => {
      let units: ProxiedUnit[];
      try {
        units = framer.feed(chunk);
      } catch {
        // Framing this proxy does not understand: it cannot tell calls apart, so it stops.
        closeBoth();
        return;
      }
      for (const unit of units) queue = queue.then(() => handle(unit)).catch(closeBoth);
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
