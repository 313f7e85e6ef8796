/** Request codes a client sends in place of a protocol version in an untyped first message. */
export const REQUEST_CODE = {
  ssl: 80877103,
  gssEncryption: 80877104,
  cancel: 80877102,
} as const;

/** Protocol 3.0 (`196608`); later 3.x minors only change what follows authentication. */
export const PROTOCOL_MAJOR_3 = 3;

/** No real client sends a startup or password message anywhere near this; a bigger one is garbage. */
export const MAX_MESSAGE_LENGTH = 1 << 20;

function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** `R` AuthenticationCleartextPassword (code 3), or AuthenticationMD5Password (code 5) with its salt. */
export function authenticationRequest(method: 'cleartext' | 'md5', salt: Buffer): Buffer {
  const code = Buffer.alloc(4);
  code.writeInt32BE(method === 'md5' ? 5 : 3);
  return typed('R', method === 'md5' ? Buffer.concat([code, salt]) : code);
}

/** `E` ErrorResponse: severity, SQLSTATE and message fields, then the terminating zero byte. */
export function errorResponse(sqlState: string, message: string): Buffer {
  const fields = [`SFATAL`, `VFATAL`, `C${sqlState}`, `M${message}`].map((field) => `${field}\0`).join('');
  return typed('E', Buffer.from(`${fields}\0`, 'utf8'));
}

/** The `key\0value\0…\0` pairs that follow the protocol version in a StartupMessage. */
export function startupParameters(body: Buffer): Record<string, string> {
  const parts = body.toString('utf8').split('\0');
  const entries: Array<[string, string]> = [];
  for (let at = 0; at + 1 < parts.length; at += 2) {
    const key = parts[at] ?? '';
    if (key === '') break;
    entries.push([key, parts[at + 1] ?? '']);
  }
  // fromEntries defines own properties, so a hostile `__proto__` key stays a plain key.
  return Object.fromEntries(entries);
}

/** The null-terminated string a PasswordMessage (`p`) carries. */
export function passwordOf(body: Buffer): string {
  const end = body.indexOf(0);
  return body.subarray(0, end === -1 ? body.length : end).toString('utf8');
}
