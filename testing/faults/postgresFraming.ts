import type { ProxiedUnit, RequestFramer, ResponseWatcher } from './ProxiedUnit.js';

/** Messages that end a call: a simple query, or the Sync closing an extended-protocol batch. */
const CALL_END = new Set(['Q', 'S']);
/** Messages that belong to an extended-protocol batch (Parse, Bind, Describe, Execute, Close, Flush). */
const BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H']);

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** An ErrorResponse (and, for a statement, the ReadyForQuery that follows it). */
function errorReply(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const fields = Buffer.concat(
    [`S${severity}`, `V${severity}`, `C${code}`, `M${text}`].map((f) => Buffer.from(`${f}\0`, 'utf8')),
  );
  const error = message('E', Buffer.concat([fields, Buffer.from([0])]));
  return severity === 'FATAL' ? error : Buffer.concat([error, message('Z', Buffer.from('I', 'latin1'))]);
}

/** `ALTER ROLE`, `SELECT`: the statement's leading keywords, never an identifier or a value. */
function statementLabel(sql: string): string {
  const words = sql.trim().split(/\s+/).slice(0, 2);
  const keywords = words.filter((w, i) => i === 0 || /^[A-Z]+$/.test(w));
  return `postgres ${keywords.join(' ').toUpperCase() || 'statement'}`;
}

/** The query text of a Parse or Query message: Parse has a statement name before it. */
function queryText(type: string, body: Buffer): string {
  const start = type === 'P' ? body.indexOf(0) + 1 : 0;
  return body.subarray(start, body.indexOf(0, start)).toString('utf8');
}

/**
 * The client side of the Postgres protocol after TLS: the startup message is the `connect` call;
 * each simple query, and each extended-protocol batch up to its Sync, is a statement call.
 * Password (SASL) messages pass through as part of the connect.
 */
export function postgresRequestFramer(): RequestFramer {
  let buffer = Buffer.alloc(0);
  let started = false;
  let batch: Buffer[] = [];
  let batchLabel: string | undefined;
  return {
    feed(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      const units: ProxiedUnit[] = [];
      for (;;) {
        if (!started) {
          if (buffer.length < 4) break;
          const length = buffer.readInt32BE(0);
          if (length < 8) throw new Error('not a Postgres startup message');
          if (buffer.length < length) break;
          started = true;
          units.push({
            kind: 'call',
            bytes: buffer.subarray(0, length),
            label: 'postgres connect',
            errorReply: errorReply('FATAL', '57P03', 'the database system is not accepting connections'),
            closeAfterError: true,
          });
          buffer = buffer.subarray(length);
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const total = 1 + buffer.readInt32BE(1);
        if (total < 5) throw new Error('not a Postgres message');
        if (buffer.length < total) break;
        const bytes = buffer.subarray(0, total);
        const body = bytes.subarray(5);
        buffer = buffer.subarray(total);
        if (BATCH.has(type)) {
          batch.push(bytes);
          if (type === 'P') batchLabel ??= statementLabel(queryText(type, body));
          continue;
        }
        if (CALL_END.has(type)) {
          units.push({
            kind: 'call',
            bytes: Buffer.concat([...batch, bytes]),
            label: type === 'Q' ? statementLabel(queryText(type, body)) : (batchLabel ?? 'postgres execute'),
            errorReply: errorReply('ERROR', 'XX000', 'fault injected by the local fault proxy'),
          });
          batch = [];
          batchLabel = undefined;
          continue;
        }
        units.push({ kind: 'pass', bytes: Buffer.concat([...batch, bytes]) });
        batch = [];
        batchLabel = undefined;
      }
      return units;
    },
  };
}

/**
 * The server's answer is complete at ReadyForQuery; for the connect call, at the server's first
 * message (its authentication request or a refusal).
 */
export function postgresResponseWatcher(connect: boolean): ResponseWatcher {
  let buffer = Buffer.alloc(0);
  return {
    feed(chunk) {
      if (connect) return true;
      buffer = Buffer.concat([buffer, chunk]);
      let offset = 0;
      while (buffer.length - offset >= 5) {
        const type = String.fromCharCode(buffer[offset] ?? 0);
        const total = 1 + buffer.readInt32BE(offset + 1);
        if (buffer.length - offset < total) break;
        if (type === 'Z') return true;
        offset += total;
      }
      buffer = buffer.subarray(offset);
      return false;
    },
  };
}

/**
 * The server's side of a Postgres session with the ParameterStatus reports of `parameters` taken out,
 * as a connection pooler that does not pass them on would: feed it the server's bytes, forward what it
 * returns. Messages split across chunks are held until whole.
 */
export function postgresParameterFilter(parameters: ReadonlySet<string>): (chunk: Buffer) => Buffer {
  let buffer = Buffer.alloc(0);
  // Bytes this filter cannot frame are passed on untouched from there on, never dropped or looped over.
  let framing = true;
  return (chunk) => {
    if (!framing) return chunk;
    buffer = Buffer.concat([buffer, chunk]);
    const kept: Buffer[] = [];
    let offset = 0;
    while (buffer.length - offset >= 5) {
      const total = 1 + buffer.readInt32BE(offset + 1);
      if (total < 5) {
        framing = false;
        break;
      }
      if (buffer.length - offset < total) break;
      const bytes = buffer.subarray(offset, offset + total);
      offset += total;
      const nameEnd = bytes.indexOf(0, 5);
      const dropped =
        bytes[0] === 0x53 && nameEnd !== -1 && parameters.has(bytes.subarray(5, nameEnd).toString('utf8'));
      if (!dropped) kept.push(bytes);
    }
    kept.push(framing ? Buffer.alloc(0) : buffer.subarray(offset));
    buffer = framing ? buffer.subarray(offset) : Buffer.alloc(0);
    return Buffer.concat(kept);
  };
}
