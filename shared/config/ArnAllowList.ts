import { type Env, optionalString } from './env.js';
import { ConfigError } from './errors.js';

/** Secret ARNs a function may act with, from a comma-separated list where `*` matches any run of characters. */
export interface ArnAllowList {
  readonly patterns: readonly string[];
  allows(arn: string): boolean;
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads an allow-list variable; `undefined` when it is unset, so the caller decides what "no list"
 * means. Each entry must be a full ARN (wildcards allowed), so a bare name can never match by accident.
 */
export function loadArnAllowList(env: Env, name: string): ArnAllowList | undefined {
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  const patterns = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (patterns.length === 0) return undefined;
  for (const pattern of patterns) {
    if (!/^arn:aws[a-z-]*:secretsmanager:/.test(pattern)) {
      throw new ConfigError(
        name,
        'must list Secrets Manager secret ARNs (arn:aws:secretsmanager:…), comma-separated',
      );
    }
  }
  const expressions = patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`));
  return Object.freeze({
    patterns,
    allows: (arn: string) => expressions.some((expression) => expression.test(arn)),
  });
}

/** The one secret a list allows when it is a single ARN without wildcards, else `undefined`. */
export function onlyAllowedArn(list: ArnAllowList | undefined): string | undefined {
  const [only, ...others] = list?.patterns ?? [];
  return only !== undefined && others.length === 0 && !only.includes('*') ? only : undefined;
}
