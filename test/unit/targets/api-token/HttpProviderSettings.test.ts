import { describe, expect, it } from 'vitest';
import { localTokenServiceSettings } from '../../../../local/token-service/localTokenServiceSettings.js';
import { parseHttpProviderSettings } from '../../../../shared/targets/api-token/providers/HttpProviderSettings.js';

type Settings = Record<string, Record<string, unknown>>;
const valid = (): Settings =>
  structuredClone(localTokenServiceSettings('https://api.example.com')) as Settings;

/** One call's description, to edit. */
function part(settings: Settings, name: string): Record<string, unknown> {
  const found = settings[name];
  if (found === undefined) throw new Error(`fixture has no ${name}`);
  return found;
}

describe('generic HTTP provider settings', () => {
  it('accepts a complete description and upper-cases methods', () => {
    const settings = valid();
    part(settings, 'verify')['method'] = 'get';
    const parsed = parseHttpProviderSettings(settings);
    expect(parsed.verify.method).toBe('GET');
    expect(parsed.issue.tokenPath).toBe('token');
    expect(parsed.list.itemsPath).toBe('tokens');
    expect(parsed.singleLiveToken).toBe(false);
  });

  it('allows plain http only to loopback, and only where the local stack allows it', () => {
    const local = { allowHttpLoopback: true };
    expect(() =>
      parseHttpProviderSettings(localTokenServiceSettings('http://127.0.0.1:4567'), local),
    ).not.toThrow();
    expect(() => parseHttpProviderSettings(localTokenServiceSettings('http://127.0.0.1:4567'))).toThrow(
      /settings.issue.url' must use https/,
    );
    for (const url of ['http://tokens.internal', 'file:///etc']) {
      expect(() => parseHttpProviderSettings(localTokenServiceSettings(url), local)).toThrow(
        /settings.issue.url' must use https/,
      );
    }
  });

  it('refuses a token in a URL, where access logs would keep it', () => {
    const settings = valid();
    part(settings, 'verify')['url'] = 'https://api.example.com/v1/check?token={token}';
    expect(() => parseHttpProviderSettings(settings)).toThrow(
      /settings.verify.url' must not carry \{token\}/,
    );
  });

  it.each([
    ['issue', 'tokenPath'],
    ['issue', 'idPath'],
    ['list', 'namePath'],
    ['revoke', 'url'],
    ['verify', 'method'],
  ])('names a missing %s.%s', (call, key) => {
    const settings = valid();
    delete part(settings, call)[key];
    expect(() => parseHttpProviderSettings(settings)).toThrow(`settings.${call}.${key}`);
  });

  it('names a missing call and an unknown method', () => {
    const settings = valid();
    delete settings['revoke'];
    expect(() => parseHttpProviderSettings(settings)).toThrow("'settings.revoke' must be an object");
    const other = valid();
    part(other, 'issue')['method'] = 'TRACE';
    expect(() => parseHttpProviderSettings(other)).toThrow('settings.issue.method');
  });
});
