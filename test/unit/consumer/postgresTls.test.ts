import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { TlsConfigError, type TlsMode } from '@secrets-rotation/rotating-secrets';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTlsSettings, postgresTls } from '../../../packages/rotating-secrets/src/postgresTls.js';

const dir = mkdtempSync(join(tmpdir(), 'consumer-tls-'));
const caFile = join(dir, 'ca.pem');
const CA = '-----BEGIN CERTIFICATE-----\nfrom-file\n-----END CERTIFICATE-----\n';
writeFileSync(caFile, CA);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadTlsSettings', () => {
  it("defaults to verify-full and Node's store", () => {
    expect(loadTlsSettings(undefined, {})).toEqual({ mode: 'verify-full', ca: undefined });
    expect(loadTlsSettings({}, {})).toEqual({ mode: 'verify-full', ca: undefined });
  });

  it('reads the CA from the file PGSSLROOTCERT names, once', () => {
    const settings = loadTlsSettings({ mode: 'verify-ca' }, { PGSSLROOTCERT: caFile });
    writeFileSync(caFile, 'changed later');

    expect(settings).toEqual({ mode: 'verify-ca', ca: CA });
    writeFileSync(caFile, CA);
  });

  it('prefers the ca option and then does not read PGSSLROOTCERT', () => {
    expect(loadTlsSettings({ ca: 'pem' }, { PGSSLROOTCERT: join(dir, 'missing.pem') })).toEqual({
      mode: 'verify-full',
      ca: 'pem',
    });
  });

  it.each([[''], ['system']])("uses Node's store when PGSSLROOTCERT is %j", (value) => {
    expect(loadTlsSettings({}, { PGSSLROOTCERT: value }).ca).toBeUndefined();
  });

  it('names PGSSLROOTCERT when its file cannot be read', () => {
    expect(() => loadTlsSettings({}, { PGSSLROOTCERT: join(dir, 'missing.pem') })).toThrow(
      expect.objectContaining({ name: 'TlsConfigError', setting: 'PGSSLROOTCERT' }),
    );
  });

  it.each([['prefer'], ['require'], [true], ['']])('refuses the mode %j, naming tls.mode', (mode) => {
    expect(() => loadTlsSettings({ mode: mode as TlsMode }, {})).toThrow(TlsConfigError);
    expect(() => loadTlsSettings({ mode: mode as TlsMode }, {})).toThrow(
      'tls.mode must be one of verify-full, verify-ca, disable.',
    );
  });
});

describe('postgresTls', () => {
  const cert = {} as PeerCertificate;

  it('is off only for disable', () => {
    expect(postgresTls('db.example.com', 'disable', 'pem')).toBe(false);
  });

  it('verifies the chain and the host name for verify-full, with SNI for a host name', () => {
    const options = postgresTls('db.example.com', 'verify-full', 'pem');
    expect(options).toEqual({ rejectUnauthorized: true, ca: 'pem', servername: 'db.example.com' });
  });

  it.each([['127.0.0.1'], ['::1']])('sends no SNI for the IP address %s', (host) => {
    expect(postgresTls(host, 'verify-full', undefined)).toEqual({ rejectUnauthorized: true });
  });

  it('verifies only the chain for verify-ca', () => {
    const options = postgresTls('db.example.com', 'verify-ca', undefined);
    expect(options).toMatchObject({ rejectUnauthorized: true, servername: 'db.example.com' });
    if (options === false) throw new Error('expected TLS options');
    expect(options.checkServerIdentity).toBeTypeOf('function');
    expect(options.checkServerIdentity?.('other.example.com', cert)).toBeUndefined();
  });
});
