import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import {
  authenticationRequest,
  errorResponse,
  MAX_MESSAGE_LENGTH,
  PROTOCOL_MAJOR_3,
  passwordOf,
  REQUEST_CODE,
  startupParameters,
} from './postgresWire.js';

export interface PostgresAttackerOptions {
  /** Answer an SSLRequest with `S` and serve TLS with this certificate; without it, answer `N`. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** The authentication the attacker asks for: a clear-text password (default) or an MD5 hash. */
  readonly auth?: 'cleartext' | 'md5';
}

/** A hostile "Postgres server" that asks every client for its password and keeps what it gets. */
export interface PostgresAttacker {
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** The parameters of every StartupMessage (`user`, `database`, `application_name`, `options`…). */
  readonly startups: Array<Record<string, string>>;
  /** The content of every PasswordMessage: a clear-text password, or `md5…` in MD5 mode. */
  readonly passwords: string[];
  /** Every byte every client sent, after TLS decryption, in arrival order. */
  received(): Buffer;
  close(): Promise<void>;
}

interface Recorder {
  readonly chunks: Buffer[];
  readonly startups: Array<Record<string, string>>;
  readonly passwords: string[];
}

/** A listener on 127.0.0.1 (free port) that speaks just enough of the v3 protocol to harvest passwords. */
export async function startPostgresAttacker(
  options: PostgresAttackerOptions = {},
): Promise<PostgresAttacker> {
  const recorder: Recorder = { chunks: [], startups: [], passwords: [] };
  const secureContext =
    options.tls === undefined
      ? undefined
      : createSecureContext({ cert: options.tls.certPem, key: options.tls.keyPem });
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, recorder, options.auth ?? 'cleartext', secureContext, sockets);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return connections;
    },
    startups: recorder.startups,
    passwords: recorder.passwords,
    received: () => Buffer.concat(recorder.chunks),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(
  raw: Socket,
  recorder: Recorder,
  auth: 'cleartext' | 'md5',
  secureContext: SecureContext | undefined,
  sockets: Set<Socket>,
): void {
  let stream: Socket = raw;
  let pending = Buffer.alloc(0);
  let phase: 'startup' | 'password' | 'done' = 'startup';

  /** Ends the conversation; returns false, so a handler can `return finish()` to stop reading. */
  const finish = (reply?: Buffer): false => {
    phase = 'done';
    if (reply === undefined) stream.end();
    else stream.end(reply);
    return false;
  };

  const upgrade = (context: SecureContext): false => {
    raw.off('data', onData);
    // A client waits for `S` before its ClientHello, so nothing should be pending. Anything that is
    // arrived before the handshake and is already recorded; the TLS layer must not parse it.
    pending = Buffer.alloc(0);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    // A client that rejects the certificate aborts the handshake: the test sees no startup.
    secure.on('error', () => undefined);
    secure.on('data', onData);
    sockets.add(secure);
    secure.on('close', () => sockets.delete(secure));
    stream = secure;
    return false;
  };

  /** Handles one complete untyped (first-of-connection) message; returns whether to read on. */
  const onUntyped = (code: number, body: Buffer): boolean => {
    if (code === REQUEST_CODE.ssl && secureContext !== undefined && stream === raw) {
      raw.write('S');
      return upgrade(secureContext);
    }
    if (code === REQUEST_CODE.ssl || code === REQUEST_CODE.gssEncryption) {
      stream.write('N');
      return true;
    }
    if (code >> 16 !== PROTOCOL_MAJOR_3) return finish();
    recorder.startups.push(startupParameters(body));
    stream.write(authenticationRequest(auth, randomBytes(4)));
    phase = 'password';
    return true;
  };

  /** Handles one complete typed message; the conversation ends after the password. */
  const onTyped = (type: number, body: Buffer): false => {
    if (type !== 'p'.charCodeAt(0)) return finish();
    recorder.passwords.push(passwordOf(body));
    const user = recorder.startups.at(-1)?.['user'] ?? '';
    return finish(errorResponse('28P01', `password authentication failed for user "${user}"`));
  };

  /** Consumes whole messages only: one can span chunks, and a chunk can hold several. */
  const readMessages = (): void => {
    for (let reading = true; reading; ) {
      const typed = phase === 'password';
      const headerLength = typed ? 5 : 8;
      if (pending.length < headerLength) return;
      const length = typed ? pending.readInt32BE(1) + 1 : pending.readInt32BE(0);
      if (length < headerLength || length > MAX_MESSAGE_LENGTH) {
        finish();
        return;
      }
      if (pending.length < length) return;
      const message = pending.subarray(0, length);
      pending = pending.subarray(length);
      reading = typed
        ? onTyped(message[0] ?? 0, message.subarray(5))
        : onUntyped(message.readInt32BE(4), message.subarray(8));
    }
  };

  function onData(chunk: Buffer): void {
    recorder.chunks.push(chunk);
    if (phase === 'done') return;
    pending = Buffer.concat([pending, chunk]);
    readMessages();
  }

  raw.on('error', () => undefined);
  raw.on('data', onData);
}
