import { TokenSecretError } from '../errors.js';
import { isLoopbackHost } from '../ProviderPolicy.js';

export interface HttpCall {
  readonly method: string;
  /** May use {tokenId} and {name}; never a token, which would end up in access logs. */
  readonly url: string;
  /** May use {token} (the token under test) or {credential} (the caller's token). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface HttpProviderSettings {
  readonly singleLiveToken: boolean;
  readonly issue: HttpCall & {
    readonly tokenPath: string;
    readonly idPath: string;
    readonly expiresAtPath?: string;
  };
  /** When `activePath` is set, a 2xx answer only counts if the value there equals `activeValue`. */
  readonly verify: HttpCall & { readonly activePath?: string; readonly activeValue?: string };
  readonly revoke: HttpCall;
  readonly list: HttpCall & {
    readonly itemsPath: string;
    readonly idPath: string;
    readonly namePath: string;
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function object(value: unknown, key: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TokenSecretError(key, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function text(
  source: Record<string, unknown>,
  key: string,
  path: string,
  required = true,
): string | undefined {
  const value = source[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new TokenSecretError(`${path}.${key}`, 'must be a non-empty string');
  return value;
}

function call(
  settings: Record<string, unknown>,
  key: string,
  allowHttpLoopback: boolean,
): HttpCall & Record<string, unknown> {
  const source = object(settings[key], `settings.${key}`);
  const method = (text(source, 'method', `settings.${key}`) ?? '').toUpperCase();
  if (!METHODS.includes(method))
    throw new TokenSecretError(`settings.${key}.method`, `must be one of ${METHODS.join(', ')}`);
  const url = text(source, 'url', `settings.${key}`) ?? '';
  if (/\{(token|credential)\}/.test(url)) {
    throw new TokenSecretError(
      `settings.${key}.url`,
      'must not carry {token} or {credential}: put them in a header',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{\w+\}/g, 'x'));
  } catch {
    throw new TokenSecretError(`settings.${key}.url`, 'must be an absolute URL');
  }
  // Refused early to name the key; ProviderHttp checks every final URL again before sending.
  const loopbackHttp = allowHttpLoopback && parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) {
    throw new TokenSecretError(
      `settings.${key}.url`,
      'must use https:// (plain http only to loopback, where the local stack allows it)',
    );
  }
  const headers = source['headers'] === undefined ? {} : object(source['headers'], `settings.${key}.headers`);
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string')
      throw new TokenSecretError(`settings.${key}.headers.${name}`, 'must be a string');
  }
  return { ...source, method, url, headers: headers as Record<string, string> };
}

function verifyCall(
  settings: Record<string, unknown>,
  allowHttpLoopback: boolean,
): HttpProviderSettings['verify'] {
  const verify = call(settings, 'verify', allowHttpLoopback);
  if (verify['activePath'] === undefined) return verify;
  return {
    ...verify,
    activePath: text(verify, 'activePath', 'settings.verify') ?? '',
    activeValue: text(verify, 'activeValue', 'settings.verify') ?? '',
  };
}

/** Validates the declarative description of a token API; errors name the key. */
export function parseHttpProviderSettings(
  value: unknown,
  options: { readonly allowHttpLoopback: boolean } = { allowHttpLoopback: false },
): HttpProviderSettings {
  const settings = object(value, 'settings');
  const issue = call(settings, 'issue', options.allowHttpLoopback);
  const list = call(settings, 'list', options.allowHttpLoopback);
  return Object.freeze({
    singleLiveToken: settings['singleLiveToken'] === true,
    issue: {
      ...issue,
      tokenPath: text(issue, 'tokenPath', 'settings.issue') ?? '',
      idPath: text(issue, 'idPath', 'settings.issue') ?? '',
      ...(issue['expiresAtPath'] === undefined
        ? {}
        : { expiresAtPath: text(issue, 'expiresAtPath', 'settings.issue') ?? '' }),
    },
    verify: verifyCall(settings, options.allowHttpLoopback),
    revoke: call(settings, 'revoke', options.allowHttpLoopback),
    list: {
      ...list,
      itemsPath: typeof list['itemsPath'] === 'string' ? list['itemsPath'] : '',
      idPath: text(list, 'idPath', 'settings.list') ?? '',
      namePath: text(list, 'namePath', 'settings.list') ?? '',
    },
  });
}
