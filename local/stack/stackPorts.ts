import { InvalidPortError } from './errors.js';

/** Where each of the stack's ports comes from, and whose it is. */
export const PORT_SETTINGS = {
  port: {
    flag: '--port',
    variable: 'LOCAL_STACK_PORT',
    standard: 4566,
    service: 'the local Secrets Manager',
  },
  tokenPort: {
    flag: '--token-port',
    variable: 'LOCAL_TOKEN_SERVICE_PORT',
    standard: 4567,
    service: 'the local token service',
  },
  pgPort: {
    flag: '--pg-port',
    variable: 'LOCAL_POSTGRES_PORT',
    standard: 5433,
    service: 'the embedded Postgres',
  },
} as const;

export type StackPorts = { readonly [K in keyof typeof PORT_SETTINGS]: number };

/** The port flags as parsed: undefined when not given. */
export type PortFlags = { readonly [K in keyof typeof PORT_SETTINGS]?: string | undefined };

function parsePort(source: string, value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65_535) throw new InvalidPortError(source, value);
  return port;
}

function given(
  name: keyof typeof PORT_SETTINGS,
  flags: PortFlags,
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const setting = PORT_SETTINGS[name];
  const flag = flags[name];
  if (flag !== undefined) return parsePort(setting.flag, flag);
  const variable = env[setting.variable];
  return variable === undefined ? undefined : parsePort(setting.variable, variable);
}

/**
 * The stack's ports: each from its flag, else its environment variable, else 4566, 4567 and 5433.
 * A Secrets Manager port of 0 (a free one) makes the other two default to 0 as well, so that
 * `--port 0` alone starts a stack beside another without any fixed port to collide on.
 */
export function stackPorts(flags: PortFlags, env: Readonly<Record<string, string | undefined>>): StackPorts {
  const port = given('port', flags, env) ?? PORT_SETTINGS.port.standard;
  const otherwise = (name: 'tokenPort' | 'pgPort') => (port === 0 ? 0 : PORT_SETTINGS[name].standard);
  return {
    port,
    tokenPort: given('tokenPort', flags, env) ?? otherwise('tokenPort'),
    pgPort: given('pgPort', flags, env) ?? otherwise('pgPort'),
  };
}
