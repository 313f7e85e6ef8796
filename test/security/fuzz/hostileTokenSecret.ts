import fc from 'fast-check';
import { localTokenServiceSettings } from '../../../local/token-service/localTokenServiceSettings.js';
import {
  absent,
  fixed,
  type HostileSecret,
  hostileSecret,
  type Piece,
  perCase,
  pieces,
  type Scenario,
} from './hostileSecret.js';
import { auditSafe, longText, unicodeText, withControlCharacters, wrongJsonType } from './hostileValues.js';

/** What a token secret may name: the provider, the admin secret, other secrets' tokens, the attacker. */
export interface TokenTargets {
  readonly tokenServiceUrl: string;
  readonly adminArn: string;
  readonly masterArn: string;
  /** Ids of tokens issued to other secrets. */
  readonly victimTokenIds: readonly string[];
  readonly attacker: { readonly host: string; readonly port: number; readonly origin: string };
}

function anyText(kind: string, credential = false): fc.Arbitrary<Piece> {
  const text = (arb: fc.Arbitrary<string>) => (credential ? auditSafe(arb) : arb);
  return fc.oneof(
    pieces(`${kind} random`, text(unicodeText()), credential),
    pieces(`${kind} long`, text(longText()), credential),
    pieces(`${kind} wrong type`, wrongJsonType()),
    fc.constant(fixed(`${kind} empty`, '')),
  );
}

/** The attacker's own token, altered: headers and URLs built from it must not split. */
const ownTokenWith = (label: string, build: (token: string) => string) =>
  fc.constant(perCase(`token ${label}`, (values) => build(values.ownToken)));

/**
 * A token secret its writer controls entirely, starting from the attacker's own valid one (provider,
 * token, tokenId), with the optional adminSecretArn, settings and expiresAt: each kept or replaced.
 */
export function hostileTokenSecret(t: TokenTargets): fc.Arbitrary<HostileSecret> {
  const adminName = t.adminArn.split(':').at(-1) ?? '';
  const attackerSettings = localTokenServiceSettings(t.attacker.origin);

  const token = fc.oneof(
    fc.constant(absent),
    anyText('token', true),
    ownTokenWith('+ CRLF header', (own) => `${own}\r\nX-Injected: 1`),
    ownTokenWith('+ CRLF Host header', (own) => `${own}\r\nHost: ${t.attacker.host}:${t.attacker.port}`),
    ownTokenWith('+ LF authorization', (own) => `${own}\nAuthorization: Bearer ${own}`),
    ownTokenWith('+ NUL', (own) => `${own}\u0000`),
    ownTokenWith('as "Bearer <token>"', (own) => `Bearer ${own}`),
    ownTokenWith('+ trailing space', (own) => `${own} `),
    ownTokenWith('+ non-Latin-1', (own) => `${own}\u2603`),
    ownTokenWith('+ URL', (own) => `${own}@${t.attacker.host}:${t.attacker.port}`),
    auditSafe(fc.constantFrom(...['\r\nHost: attacker', '\r\n\r\nGET / HTTP/1.1', 'x'])).map((v) =>
      fixed('token header injection only', v),
    ),
  );
  const tokenId = fc.oneof(
    fc.constant(absent),
    anyText('tokenId'),
    pieces('tokenId of another secret', fc.constantFrom(...t.victimTokenIds)),
    fc
      .constantFrom(...t.victimTokenIds)
      .map((id) => perCase(`tokenId own/../${id}`, (values) => `${values.ownTokenId}/../${id}`)),
    pieces(
      'tokenId',
      fc.constantFrom(
        '../../v1/tokens',
        '..%2f..%2fv1%2ftokens',
        '%2e%2e',
        '?all=1',
        '#',
        `${t.attacker.origin}/x`,
        `//${t.attacker.host}:${t.attacker.port}/x`,
      ),
    ),
    fc.constant(perCase('tokenId own + query', (values) => `${values.ownTokenId}?cascade=true`)),
    pieces('tokenId with controls', withControlCharacters('tok_0000')),
  );
  const provider = fc.oneof(
    fc.constant(absent),
    anyText('provider'),
    pieces(
      'provider',
      fc.constantFrom('HTTP', 'github', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'http '),
    ),
    pieces('provider with controls', withControlCharacters('http')),
  );
  const adminSecretArn = fc.oneof(
    anyText('adminSecretArn'),
    fc.constant(perCase("adminSecretArn the fuzzed secret's own ARN", (values) => values.ownArn)),
    pieces('adminSecretArn with controls', withControlCharacters(t.adminArn)),
    pieces(
      'adminSecretArn',
      fc.constantFrom(
        t.adminArn,
        t.masterArn,
        t.adminArn.toUpperCase(),
        `${t.adminArn}x`,
        t.adminArn.slice(0, -7),
        adminName,
        '*',
        `${t.adminArn.slice(0, -7)}*`,
        `${t.adminArn},${t.masterArn}`,
        t.attacker.origin,
      ),
    ),
  );
  const settings = fc.oneof(
    fc.constant(fixed('settings at the attacker', attackerSettings)),
    fc.constant(fixed('settings of the token service', localTokenServiceSettings(t.tokenServiceUrl))),
    fc.constant(
      fixed('settings issuing at the attacker', {
        ...localTokenServiceSettings(t.tokenServiceUrl),
        issue: {
          ...(localTokenServiceSettings(t.tokenServiceUrl)['issue'] as Record<string, unknown>),
          url: `${t.attacker.origin}/v1/tokens`,
        },
      }),
    ),
    pieces('settings wrong type', wrongJsonType()),
    pieces('settings text', fc.constantFrom(t.attacker.origin, 'http', '')),
  );
  const expiresAt = fc.oneof(
    pieces(
      'expiresAt',
      fc.constantFrom('1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'not a date', '2026-02-30T00:00:00Z'),
    ),
    anyText('expiresAt'),
  );

  const scenario = (label: string, set: Record<string, Piece>): Scenario => ({ label, set });
  const admin = fixed('allowed admin', t.adminArn);
  return hostileSecret({
    base: [
      ['provider', fixed('http', 'http')],
      ['token', perCase('own token', (values) => values.ownToken)],
      ['tokenId', perCase('own token id', (values) => values.ownTokenId)],
    ],
    mutations: { token, tokenId, provider, adminSecretArn, settings, expiresAt },
    scenarios: [
      fc.constantFrom(
        // With the admin secret the function holds a credential worth stealing: every key that could
        // steer a request is then hostile at once.
        scenario('admin secret, settings at the attacker', {
          adminSecretArn: admin,
          settings: fixed('settings at the attacker', attackerSettings),
        }),
        scenario('admin secret, token with a CRLF header', {
          adminSecretArn: admin,
          token: perCase('own + CRLF header', (values) => `${values.ownToken}\r\nX-Injected: 1`),
        }),
        scenario('admin secret, a random token', {
          adminSecretArn: admin,
          token: fixed('guessed token', 'lts_guessed-token-value'),
        }),
        scenario('the master secret as admin secret', { adminSecretArn: fixed('master', t.masterArn) }),
      ),
      fc.constantFrom(...t.victimTokenIds).map((id) =>
        scenario("admin secret, another secret's tokenId", {
          adminSecretArn: admin,
          tokenId: fixed("another secret's token id", id),
        }),
      ),
    ],
  });
}
