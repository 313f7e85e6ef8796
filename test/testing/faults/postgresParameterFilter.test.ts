import { describe, expect, it } from 'vitest';
import { postgresParameterFilter } from '../../../testing/faults/postgresFraming.js';

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const parameter = (name: string, value: string) => message('S', Buffer.from(`${name}\0${value}\0`, 'utf8'));
const ready = message('Z', Buffer.from('I', 'latin1'));

describe('postgresParameterFilter', () => {
  it('drops only the named reports, also when messages arrive split across chunks', () => {
    const filter = postgresParameterFilter(new Set(['session_authorization']));
    const stream = Buffer.concat([
      parameter('server_version', '18.4'),
      parameter('session_authorization', 'someone'),
      parameter('is_superuser', 'off'),
      ready,
    ]);
    const out = [stream.subarray(0, 7), stream.subarray(7, 30), stream.subarray(30)].map(filter);
    expect(Buffer.concat(out)).toEqual(
      Buffer.concat([parameter('server_version', '18.4'), parameter('is_superuser', 'off'), ready]),
    );
  });

  it('passes on what it cannot frame, from there on, without looping', () => {
    const filter = postgresParameterFilter(new Set(['session_authorization']));
    const broken = Buffer.from([0x53, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02]);
    expect(filter(Buffer.concat([ready, broken]))).toEqual(Buffer.concat([ready, broken]));
    expect(filter(parameter('session_authorization', 'x'))).toEqual(parameter('session_authorization', 'x'));
  });

  it('keeps a report whose name has no terminator', () => {
    const filter = postgresParameterFilter(new Set(['session_authorization']));
    const unterminated = message('S', Buffer.from('session_authorization', 'utf8'));
    expect(filter(unterminated)).toEqual(unterminated);
  });
});
