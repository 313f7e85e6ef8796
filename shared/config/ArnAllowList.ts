import { type Env, optionalString } from './env.js';
import { ConfigError } from './errors.js';

/**
 * Secret ARNs a function may act with, from a comma-separated list where `*` inside an ARN matches
 * any run of characters. Fails closed: an unset or empty list allows nothing, and only a lone `*`
 * allows every secret the role can read.
 */
export interface ArnAllowList {
  /** The variable the list came from, for errors that say what to change. */
  readonly variable: string;
  readonly patterns: readonly string[];
  /** True only for an explicit lone `*`: any secret the function's role can read. */
  readonly any: boolean;
  allows(arn: string): boolean;
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads an allow-list variable. Each entry must be a full ARN (wildcards allowed), so a bare name can
 * never match by accident; a lone `*` is the explicit, unsafe "any".
 */
export function loadArnAllowList(env: Env, name: string): ArnAllowList {
  const patterns = (optionalString(env, name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const any = patterns.includes('*');
  if (any && patterns.length > 1) {
    throw new ConfigError(name, "must be either '*' alone (any secret: unsafe) or a list of ARNs");
  }
  for (const pattern of any ? [] : patterns) {
    if (!/^arn:aws[a-z-]*:secretsmanager:/.test(pattern)) {
      throw new ConfigError(
        name,
        "must list Secrets Manager secret ARNs (arn:aws:secretsmanager:…), comma-separated, or be '*'",
      );
    }
  }
  const expressions = patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`));
  return Object.freeze({
    variable: name,
    patterns: Object.freeze(patterns),
    any,
    allows: (arn: string) => expressions.some((expression) => expression.test(arn)),
  });
}

/** The one secret a list allows when it is a single ARN without wildcards, else `undefined`. */
export function onlyAllowedArn(list: ArnAllowList): string | undefined {
  const [only, ...others] = list.patterns;
  return only !== undefined && others.length === 0 && !only.includes('*') ? only : undefined;
}

/** Why `arn` is refused by `list`, in words that say what to change; `undefined` when it is allowed. */
export function refusalOf(list: ArnAllowList, arn: string): string | undefined {
  if (list.allows(arn)) return undefined;
  return list.patterns.length === 0
    ? `${list.variable} is empty, so this function uses no such secret: list its full ARN there`
    : `it is not in ${list.variable}: list its full ARN there`;
}
