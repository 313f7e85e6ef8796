import { describe, expect, it } from 'vitest';
import { RemoteBindRefusedError } from '../../../local/endpoint/errors.js';
import { assertBindable, hostGuard } from '../../../local/endpoint/hostGuard.js';

const LOOPBACK_HOSTS = [
  'localhost',
  'localhost:4566',
  'LOCALHOST:4566',
  '127.0.0.1',
  '127.0.0.1:4566',
  '127.1.2.3:80',
  '127.255.255.255',
  '[::1]',
  '[::1]:4566',
  '[0:0:0:0:0:0:0:1]:4566',
  'app.localhost',
  'a.b.localhost:8080',
];

const FOREIGN_HOSTS = [
  'evil.example',
  'evil.example:4566',
  '127.0.0.1.evil.example',
  '127.0.0.1.evil.example:4566',
  'localhost.evil.example',
  'evil-localhost',
  'localhost.',
  '.localhost',
  'a..localhost',
  '127.0.0.256',
  '127.0.0',
  '0x7f.1',
  '2130706433',
  '128.0.0.1',
  '10.0.0.1',
  '0.0.0.0',
  '[::]',
  '[::2]',
  '[::ffff:127.0.0.1]',
  '::1',
  'localhost:99999',
  'localhost:',
  'localhost:80:80',
  'localhost@evil.example',
  'evil.example@localhost',
  'localhost/evil',
  'localhost evil',
  '',
];

describe('the Host check on a loopback server', () => {
  const guard = hostGuard({ host: '127.0.0.1' });

  it.each(LOOPBACK_HOSTS)('answers Host %s', (host) => {
    expect(guard.allows(host)).toBe(true);
  });

  it.each(FOREIGN_HOSTS)('refuses Host %j', (host) => {
    expect(guard.allows(host)).toBe(false);
  });

  it('refuses a request without a Host header', () => {
    expect(guard.allows(undefined)).toBe(false);
  });

  it('names the rule, the Host seen and how to allow remote use in its refusal', () => {
    const message = guard.refusal('local Secrets Manager endpoint', 'evil.example');

    expect(message).toContain('only answers requests whose Host header is a loopback name');
    expect(message).toContain("'evil.example'");
    expect(message).toContain('--allow-remote');
    expect(guard.refusal('x', undefined)).toContain('no Host header');
  });

  it('has no warning to print', () => {
    expect(guard.warning('x', 'http://127.0.0.1:1', 'exposed')).toBeUndefined();
  });
});

describe('binding', () => {
  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])('allows loopback %s', (host) => {
    expect(() => assertBindable(host, false)).not.toThrow();
    expect(() => hostGuard({ host })).not.toThrow();
  });

  it.each(['0.0.0.0', '::', '192.168.1.5', 'fe80::1', 'my-laptop.lan'])(
    'refuses %s without allowRemote',
    (host) => {
      expect(() => hostGuard({ host })).toThrow(RemoteBindRefusedError);
      expect(() => assertBindable(host, false)).toThrow(/--allow-remote together with --host/);
    },
  );
});

describe('the Host check with allowRemote', () => {
  it('answers any Host when bound to every interface, and says so', () => {
    for (const host of ['0.0.0.0', '::']) {
      const guard = hostGuard({ host, allowRemote: true });

      expect(guard.allows('evil.example')).toBe(true);
      expect(guard.allows(undefined)).toBe(true);
      expect(guard.warning('svc', 'http://x', 'No auth.')).toMatch(/every interface.*any Host header/);
    }
  });

  it('answers the bound address and loopback names, and still refuses other names', () => {
    const guard = hostGuard({ host: '192.168.1.5', allowRemote: true });

    expect(guard.allows('192.168.1.5:4566')).toBe(true);
    expect(guard.allows('localhost:4566')).toBe(true);
    expect(guard.allows('evil.example')).toBe(false);
    expect(guard.allows('192.168.1.6')).toBe(false);
    expect(guard.refusal('svc', 'evil.example')).toContain('192.168.1.5');
    expect(guard.warning('svc', 'http://192.168.1.5:4566', 'No auth.')).toMatch(
      /^WARNING: .*--allow-remote[\s\S]*No auth\.[\s\S]*loopback names or 192\.168\.1\.5/,
    );
  });

  it('compares an IPv6 bound address in any spelling', () => {
    const guard = hostGuard({ host: 'FE80:0:0:0:0:0:0:1', allowRemote: true });

    expect(guard.allows('[fe80::1]:4566')).toBe(true);
    expect(guard.allows('[fe80::2]:4566')).toBe(false);
  });

  it('answers a bound host name in any letter case', () => {
    const guard = hostGuard({ host: 'My-Laptop.lan', allowRemote: true });

    expect(guard.allows('my-laptop.LAN:4566')).toBe(true);
  });
});
