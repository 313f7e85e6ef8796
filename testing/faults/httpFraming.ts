import { createHash, randomUUID } from 'node:crypto';
import type { ProxiedUnit, RequestFramer, ResponseWatcher } from './ProxiedUnit.js';

const HEAD_END = Buffer.from('\r\n\r\n');

function headers(head: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

/** Path segments that name one object (ids, ARNs) are folded, so labels are the same across runs. */
function foldPath(path: string): string {
  return (path.split('?')[0] ?? '')
    .split('/')
    .map((segment) => (/\d/.test(segment) && segment.length >= 8 ? '{id}' : segment))
    .join('/');
}

function errorReply(amzJson: boolean): Buffer {
  const body = JSON.stringify(
    amzJson
      ? { __type: 'InternalServiceError', message: 'Fault injected by the local fault proxy.' }
      : { error: 'internal_error', message: 'Fault injected by the local fault proxy.' },
  );
  return Buffer.from(
    [
      'HTTP/1.1 500 Internal Server Error',
      `content-type: ${amzJson ? 'application/x-amz-json-1.1' : 'application/json'}`,
      `content-length: ${Buffer.byteLength(body)}`,
      `x-amzn-requestid: ${randomUUID()}`,
      'connection: keep-alive',
      '',
      body,
    ].join('\r\n'),
  );
}

/**
 * HTTP/1.1 requests with a Content-Length body (or none), one after another on a keep-alive
 * connection, as the AWS SDK and fetch send them. An AWS JSON request is labelled by its operation.
 */
export function httpRequestFramer(service: string): RequestFramer {
  let buffer = Buffer.alloc(0);
  return {
    feed(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      const units: ProxiedUnit[] = [];
      for (;;) {
        const end = buffer.indexOf(HEAD_END);
        if (end === -1) break;
        const head = buffer.subarray(0, end).toString('latin1');
        const fields = headers(head);
        const length = Number(fields.get('content-length') ?? '0');
        if (fields.has('transfer-encoding') || !Number.isInteger(length) || length < 0)
          throw new Error('only requests with a Content-Length body (or none) can be told apart');
        const total = end + HEAD_END.length + length;
        if (buffer.length < total) break;
        const bytes = buffer.subarray(0, total);
        buffer = buffer.subarray(total);
        const [method = 'GET', path = '/'] = head.split('\r\n')[0]?.split(' ') ?? [];
        const target = fields.get('x-amz-target');
        const operation = target === undefined ? `${method} ${foldPath(path)}` : target.split('.').pop();
        const invocation = fields.get('amz-sdk-invocation-id');
        // Without the SDK's id, a retry is the same request again: same caller, target and body.
        const retryKey =
          invocation ??
          createHash('sha256')
            .update(`${method} ${path} ${fields.get('authorization') ?? ''}`)
            .update(bytes.subarray(end))
            .digest('hex');
        units.push({
          kind: 'call',
          bytes,
          label: `${service} ${operation}`,
          retryKey,
          errorReply: errorReply(target !== undefined),
        });
      }
      return units;
    },
  };
}

/** Complete when the status line, headers and the Content-Length body (or final chunk) arrived. */
export function httpResponseWatcher(): ResponseWatcher {
  let buffer = Buffer.alloc(0);
  return {
    feed(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf(HEAD_END);
      if (end === -1) return false;
      const fields = headers(buffer.subarray(0, end).toString('latin1'));
      if (fields.get('transfer-encoding')?.includes('chunked'))
        return buffer.subarray(-5).toString('latin1') === '0\r\n\r\n';
      return buffer.length >= end + HEAD_END.length + Number(fields.get('content-length') ?? '0');
    },
  };
}
