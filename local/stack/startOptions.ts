import { parseArgs } from 'node:util';
import { PORT_SETTINGS } from './stackPorts.js';

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** How the value is written in the usage, for a string option. */
  readonly value?: string;
  /** What the usage prints as the default; undefined for a flag that is off unless given. */
  readonly shown?: string;
  readonly help: string;
}

type PortSetting = (typeof PORT_SETTINGS)[keyof typeof PORT_SETTINGS];
const portHelp = (setting: PortSetting) => `port of ${setting.service}; 0 picks a free one`;
/** A port's default as stackPorts works it out; the other two follow a --port of 0. */
const portDefault = (setting: PortSetting, followsPort: boolean) =>
  `$${setting.variable}, else ${setting.standard}${followsPort ? ', or 0 with --port 0' : ''}`;
/** Ports are parsed without a default, so stackPorts can tell a port given from one left alone. */
const PORT_OPTIONS: readonly string[] = ['port', 'token-port', 'pg-port'];

/** Every option `npm start` takes, in the order the usage lists them. */
export const START_OPTIONS = {
  once: {
    type: 'boolean',
    help: 'run the demo rotations, then exit: 0 only if every one was verified',
  },
  port: {
    type: 'string',
    value: 'PORT',
    shown: portDefault(PORT_SETTINGS.port, false),
    help: portHelp(PORT_SETTINGS.port),
  },
  'token-port': {
    type: 'string',
    value: 'PORT',
    shown: portDefault(PORT_SETTINGS.tokenPort, true),
    help: portHelp(PORT_SETTINGS.tokenPort),
  },
  'pg-port': {
    type: 'string',
    value: 'PORT',
    shown: portDefault(PORT_SETTINGS.pgPort, true),
    help: portHelp(PORT_SETTINGS.pgPort),
  },
  host: {
    type: 'string',
    value: 'ADDRESS',
    shown: '127.0.0.1',
    help: 'address to listen on; one that is not loopback also needs --allow-remote',
  },
  'allow-remote': {
    type: 'boolean',
    help: 'accept a --host that is not loopback (no authentication, no TLS: never on a network)',
  },
  'data-dir': {
    type: 'string',
    value: 'DIR',
    shown: '.data/local-stack',
    help: 'where secrets, rotations, tokens and Postgres are kept across restarts',
  },
  memory: { type: 'boolean', help: 'keep no state on disk' },
  'no-demo': { type: 'boolean', help: 'start the stack without running the demo rotations' },
  'no-postgres': { type: 'boolean', help: 'do not start the embedded Postgres' },
  'account-id': {
    type: 'string',
    value: 'DIGITS',
    shown: '000000000000',
    help: 'the 12-digit account in every ARN',
  },
  quotas: {
    type: 'string',
    value: 'aws|none',
    shown: 'none',
    help: "aws: throttle at AWS's published request rates per Region",
  },
  'cdk-out': {
    type: 'string',
    value: 'DIR',
    help: 'also run the rotation functions a CDK app deploys: its `cdk synth` output (with --cdk-stack)',
  },
  'cdk-stack': {
    type: 'string',
    value: 'NAME',
    help: 'the stack in --cdk-out whose functions run, under their deployed names and environment',
  },
  help: { type: 'boolean', help: 'print this help and exit' },
} as const satisfies Record<string, OptionSpec>;

/** The parsed options; a port is undefined when not given. */
export interface StartArgs {
  readonly once: boolean;
  readonly port: string | undefined;
  readonly 'token-port': string | undefined;
  readonly 'pg-port': string | undefined;
  readonly host: string;
  readonly 'allow-remote': boolean;
  readonly 'data-dir': string;
  readonly memory: boolean;
  readonly 'no-demo': boolean;
  readonly 'no-postgres': boolean;
  readonly 'account-id': string;
  readonly quotas: string;
  readonly 'cdk-out': string | undefined;
  readonly 'cdk-stack': string | undefined;
}

/** The usage `npm start -- --help` prints: every option with its default. */
export function startUsage(): string {
  const rows = Object.entries(START_OPTIONS as Record<string, OptionSpec>).map(([name, spec]) => {
    const flag =
      name === 'help' ? '-h, --help' : spec.value === undefined ? `--${name}` : `--${name} ${spec.value}`;
    const shown = spec.shown ?? (name === 'help' ? undefined : 'off');
    return { flag, help: spec.help, shown };
  });
  const width = Math.max(...rows.map((row) => row.flag.length)) + 2;
  const indent = ' '.repeat(width + 2);
  return [
    'Usage: npm start -- [options]',
    '',
    'Starts the local stack: a Secrets Manager endpoint, the rotation functions, a token service and',
    'an embedded Postgres, then runs the demo rotations. Ctrl-C stops it.',
    '',
    'Options:',
    ...rows.flatMap((row) => [
      `  ${row.flag.padEnd(width)}${row.help}`,
      ...(row.shown === undefined ? [] : [`${indent}default: ${row.shown}`]),
    ]),
    '',
    'Docs: docs/local-stack.md',
    '',
  ].join('\n');
}

export type StartCommand =
  | { readonly kind: 'run'; readonly args: StartArgs }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

/** Defaults come from the table, so the usage and the parser cannot disagree. */
const PARSE_OPTIONS = Object.fromEntries(
  Object.entries(START_OPTIONS as Record<string, OptionSpec>).map(([name, spec]) => [
    name,
    spec.type === 'boolean'
      ? { type: 'boolean' as const, default: false, ...(name === 'help' ? { short: 'h' } : {}) }
      : spec.shown === undefined || PORT_OPTIONS.includes(name)
        ? { type: 'string' as const }
        : { type: 'string' as const, default: spec.shown },
  ]),
);

/**
 * `npm start`'s arguments: what to run, the help, or a usage error (an unknown option, a missing
 * value, a stray argument) with parseArgs' own message and no stack trace.
 */
export function parseStartArgs(argv: readonly string[]): StartCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true }).values;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    return { kind: 'usage-error', message: (error as Error).message };
  }
  if (values['help'] === true) return { kind: 'help' };
  if ((values['cdk-out'] === undefined) !== (values['cdk-stack'] === undefined))
    return { kind: 'usage-error', message: '--cdk-out and --cdk-stack go together' };
  return { kind: 'run', args: values as unknown as StartArgs };
}
