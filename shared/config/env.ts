import { ConfigError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A set, non-blank variable, or `undefined`: blank counts as unset so `X=` cannot smuggle in "". */
export function optionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function requiredString(env: Env, name: string): string {
  const value = optionalString(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  return value;
}

export function optionalInteger(
  env: Env,
  name: string,
  bounds: { readonly min: number; readonly max: number; readonly default: number },
): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return bounds.default;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, 'must be a whole number');
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new ConfigError(name, `must be between ${bounds.min} and ${bounds.max}`);
  }
  return value;
}

export function optionalBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalString(env, name)?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  throw new ConfigError(name, 'must be true or false');
}

/** One of `choices` (compared in lower case with `anyCase`), or `fallback` when unset. */
export function optionalChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
  options: { readonly anyCase?: boolean } = {},
): T {
  const raw = optionalString(env, name)?.trim();
  if (raw === undefined) return fallback;
  const value = options.anyCase === true ? raw.toLowerCase() : raw;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${choices.join(', ')}`);
  }
  return value as T;
}

export function optionalUrl(env: Env, name: string): URL | undefined {
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      name,
      'must be an absolute URL such as https://secretsmanager.us-east-1.amazonaws.com',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, 'must be an http:// or https:// URL');
  }
  return url;
}
