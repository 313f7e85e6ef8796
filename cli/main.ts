import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { CLI_NAME, type Cli, createClient } from './Cli.js';
import { CliError, EXIT } from './CliError.js';
import { cancelCommand } from './commands/cancel.js';
import { listCommand } from './commands/list.js';
import { rotateCommand } from './commands/rotate.js';
import { statusCommand } from './commands/status.js';
import { verifyCommand } from './commands/verify.js';
import { createStepInvoker, type StepInvoker } from './invokeRotationStep.js';
import { DEFAULT_STUCK_AFTER_MINUTES } from './statusOf.js';
import { TARGET_CHOICES } from './verifyCredential.js';

const USAGE = `Usage: ${CLI_NAME} <command> [options]

Commands:
  status <secret>          rotation configuration, versions and labels, and a diagnosis with fixes
  rotate <secret>          start a rotation, or resume one that is stuck; --wait follows it to the
                           end (--timeout seconds, default 300); --function-arn <arn> and
                           --schedule <expr> configure rotation first
  cancel <secret>          clear an abandoned AWSPENDING after checking credentials (--yes, --force)
  verify <secret>          check that AWSCURRENT (--stage to pick another) works against its target
  list                     secrets with rotation configured and their health (--path /services/orders)

Options:
  --region <region>  --profile <profile>  --endpoint-url <url>   (else the AWS SDK defaults)
  --json             machine-readable output on stdout
  --stuck-after <minutes>  age after which a pending version counts as stuck (default 30)
  --target <name>    ${TARGET_CHOICES.join(' | ')} (default: from the function name or the value)

Run ${CLI_NAME} <command> --help for one command's details.

Exit codes: 0 ok, 1 check failed (unhealthy, rotation failed, credential does not work),
2 usage error or refusal, 3 AWS or network unavailable.`;

const CONNECTION = `Options:
  --region <region>  --profile <profile>  --endpoint-url <url>   (else the AWS SDK defaults)
  --json             machine-readable output on stdout`;

/** `<command> --help`: what one command does, its own options, and what it changes. */
const COMMAND_HELP: Readonly<Record<string, string>> = {
  status: `Usage: ${CLI_NAME} status <secret> [--stuck-after <minutes>] [--json]

Shows the rotation configuration, every version with its labels, the last rotations, and a diagnosis
(healthy, rotating, stuck, failed, not rotating) with the command that fixes it. Changes nothing.
  --stuck-after <minutes>  age after which a pending version counts as stuck (default 30)`,
  rotate: `Usage: ${CLI_NAME} rotate <secret> [--wait [--timeout <seconds>]] [--function-arn <arn>] [--schedule <expr>]

Starts a rotation (RotateSecret). --function-arn and --schedule configure rotation first (the
schedule is AutomaticallyAfterDays N, rate(...) or cron(...)). --wait follows the rotation to its end
and exits 1 if it failed (--timeout, default 300 seconds).

On a stuck secret (AWSPENDING on a version that is not AWSCURRENT, whose rotation failed or is
older than --stuck-after minutes), where RotateSecret is refused, it resumes that rotation instead:
it invokes the secret's rotation function with the four steps and the pending version, in order, as
Secrets Manager does (every step is safe to run again). --wait retries the four steps until they
succeed or --timeout passes. This needs lambda:InvokeFunction on the function. A rotation still in
progress is only followed (--wait). To drop a pending version that must not be used: cancel.
  --stuck-after <minutes>  age after which a pending version counts as stuck (default 30)`,
  cancel: `Usage: ${CLI_NAME} cancel <secret> [--yes] [--force] [--target <name>]

Clears an abandoned AWSPENDING label after checking that AWSCURRENT still works against its target.
Refuses when only AWSPENDING works (the target already uses the new credential). Asks before
changing anything unless --yes; --force skips the credential check.`,
  verify: `Usage: ${CLI_NAME} verify <secret> [--stage <label>] [--target <name>] [--json]

Runs the target's own test against one stored version (AWSCURRENT by default): a canary. Changes
nothing. Exits 1 when the credential does not work.
  --target <name>    ${TARGET_CHOICES.join(' | ')} (default: from the function name or the value)`,
  list: `Usage: ${CLI_NAME} list [--path <prefix>] [--stuck-after <minutes>] [--json]

Lists secrets with rotation configured and the health of each. Changes nothing.`,
};

function integer(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new CliError(`--${flag} must be a whole number`, EXIT.refused);
  return Number(value);
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      region: { type: 'string' },
      profile: { type: 'string' },
      'endpoint-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'function-arn': { type: 'string' },
      schedule: { type: 'string' },
      yes: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      stage: { type: 'string', default: 'AWSCURRENT' },
      target: { type: 'string' },
      // The earlier name of --target.
      strategy: { type: 'string' },
      path: { type: 'string' },
      'stuck-after': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, secret, ...extra] = positionals;
  if (values.help && command !== undefined && COMMAND_HELP[command] !== undefined) {
    process.stdout.write(`${COMMAND_HELP[command]}\n\n${CONNECTION}\n`);
    return EXIT.ok;
  }
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? EXIT.ok : EXIT.refused;
  }
  const needsSecret = command !== 'list';
  if ((needsSecret && secret === undefined) || extra.length > 0 || (!needsSecret && secret !== undefined)) {
    throw new CliError(`${command}: wrong arguments. Run ${CLI_NAME} --help`, EXIT.refused);
  }
  const target = values.target ?? values.strategy;
  if (target !== undefined && !TARGET_CHOICES.includes(target)) {
    throw new CliError(`--target must be one of ${TARGET_CHOICES.join(', ')}`, EXIT.refused);
  }
  const stuckAfter = integer(values['stuck-after'], 'stuck-after', DEFAULT_STUCK_AFTER_MINUTES);

  const { client, endpoint, region } = createClient(
    { region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] },
    process.env,
  );
  let stepInvoker: Promise<StepInvoker> | undefined;
  const cli: Cli = {
    client,
    endpoint,
    json: values.json,
    stepInvoker: () => {
      stepInvoker ??= createStepInvoker(endpoint, region);
      return stepInvoker;
    },
    out: (text) => void process.stdout.write(`${text}\n`),
    progress: (text) => void process.stderr.write(`${new Date().toISOString().slice(11, 19)}  ${text}\n`),
    now: () => new Date(),
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
  try {
    switch (command) {
      case 'status':
        return await statusCommand(cli, secret ?? '', stuckAfter);
      case 'rotate':
        return await rotateCommand(cli, secret ?? '', {
          wait: values.wait,
          timeoutSeconds: integer(values.timeout, 'timeout', 300),
          functionArn: values['function-arn'],
          schedule: values.schedule,
          stuckAfterMinutes: stuckAfter,
        });
      case 'cancel':
        return await cancelCommand(cli, secret ?? '', { yes: values.yes, force: values.force, target });
      case 'verify':
        return await verifyCommand(cli, secret ?? '', values.stage, target);
      case 'list':
        return await listCommand(cli, values.path, stuckAfter);
      default:
        throw new CliError(`Unknown command '${command}'. Run ${CLI_NAME} --help`, EXIT.refused);
    }
  } finally {
    client.destroy();
    if (stepInvoker !== undefined) (await stepInvoker).close();
  }
}

/** AWS errors become one line that says what to do; the SDK's own message never carries a value. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ResourceNotFoundException') {
    return {
      message: `Not found: ${message} (check the name, --region and --profile)`,
      exitCode: EXIT.failed,
    };
  }
  if (name === 'InvalidRequestException' || name === 'InvalidParameterException') {
    return { message: `Secrets Manager refused: ${message}`, exitCode: EXIT.refused };
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    return { message: `${message}. Run ${CLI_NAME} --help`, exitCode: EXIT.refused };
  }
  return {
    message: `${name}: ${message}. Check credentials (--profile), --region and network access to Secrets Manager.`,
    exitCode: EXIT.unavailable,
  };
}
