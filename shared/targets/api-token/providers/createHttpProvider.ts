import { ProviderResponseError, TokenRejectedError } from '../errors.js';
import type { IssuedToken, ListedToken, TokenProvider } from '../TokenProvider.js';
import type { HttpCall, HttpProviderSettings } from './HttpProviderSettings.js';
import { fillTemplate, readPath } from './jsonPath.js';
import type { ProviderHttp } from './ProviderHttp.js';

function request(operation: string, call: HttpCall, values: Record<string, string>) {
  const encoded = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)]));
  return {
    operation,
    method: call.method,
    url: String(fillTemplate(call.url, encoded)),
    headers: fillTemplate(call.headers ?? {}, values) as Record<string, string>,
    ...(call.body === undefined ? {} : { body: fillTemplate(call.body, values) }),
  };
}

function stringAt(provider: string, operation: string, body: unknown, path: string): string {
  const value = readPath(body, path);
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  throw new ProviderResponseError(provider, operation, `no string at '${path}'`);
}

/** A provider described entirely by settings: the generic one, and the base of the presets. */
export function createHttpProvider(
  name: string,
  settings: HttpProviderSettings,
  http: ProviderHttp,
): TokenProvider {
  return {
    name,
    singleLiveToken: settings.singleLiveToken,
    async issue(tokenName, credential): Promise<IssuedToken> {
      const { body } = await http.send({
        ...request('issue a token', settings.issue, { name: tokenName, credential }),
        idempotent: false,
      });
      const expiresAt =
        settings.issue.expiresAtPath === undefined ? undefined : readPath(body, settings.issue.expiresAtPath);
      return {
        token: stringAt(name, 'issue a token', body, settings.issue.tokenPath),
        tokenId: stringAt(name, 'issue a token', body, settings.issue.idPath),
        ...(typeof expiresAt === 'string' ? { expiresAt } : {}),
      };
    },
    async test(token) {
      const { body } = await http.send(request('verify the token', settings.verify, { token }));
      const { activePath, activeValue } = settings.verify;
      // Some APIs answer 200 for a disabled or expired token and say so in the body.
      if (activePath !== undefined && readPath(body, activePath) !== activeValue) {
        throw new TokenRejectedError(name, 'verify the token');
      }
    },
    async revoke(tokenId, credential) {
      await http.send({
        ...request('revoke a token', settings.revoke, { tokenId, credential }),
        acceptStatuses: [404],
      });
    },
    async list(credential): Promise<readonly ListedToken[]> {
      const { body } = await http.send(request('list tokens', settings.list, { credential }));
      const items = readPath(body, settings.list.itemsPath);
      if (!Array.isArray(items))
        throw new ProviderResponseError(name, 'list tokens', `no list at '${settings.list.itemsPath}'`);
      return items.flatMap((item) => {
        const tokenId = readPath(item, settings.list.idPath);
        const tokenName = readPath(item, settings.list.namePath);
        return (typeof tokenId === 'string' || typeof tokenId === 'number') && typeof tokenName === 'string'
          ? [{ tokenId: String(tokenId), name: tokenName }]
          : [];
      });
    },
  };
}
