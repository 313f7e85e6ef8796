import { afterEach, describe, expect, it } from 'vitest';
import { PORT_SETTINGS } from '../../../local/stack/stackPorts.js';
import { parseStartArgs, START_OPTIONS, startUsage } from '../../../local/stack/startOptions.js';
import { killSpawnedStacks, runStack } from '../../support/spawnStack.js';

afterEach(async () => {
  await killSpawnedStacks();
});

describe("npm start's options", () => {
  it('lists every option with its default in the usage', () => {
    const usage = startUsage();
    for (const name of Object.keys(START_OPTIONS)) expect(usage).toContain(`--${name}`);
    for (const setting of Object.values(PORT_SETTINGS)) {
      expect(usage).toContain(`$${setting.variable}, else ${setting.standard}`);
    }
    expect(usage).toContain('default: .data/local-stack');
    expect(usage).toContain('default: 127.0.0.1');
    expect(usage).toContain('default: 000000000000');
    expect(usage).toContain('default: none');
    // Every flag, and every option with no default, says it is off unless given.
    expect(usage.match(/default: off/g)).toHaveLength(
      Object.entries(START_OPTIONS).filter(([name, spec]) => name !== 'help' && !('shown' in spec)).length,
    );
  });

  it('parses the defaults the usage shows, and leaves ports to stackPorts', () => {
    const parsed = parseStartArgs([]);
    expect(parsed).toEqual({
      kind: 'run',
      args: expect.objectContaining({
        host: '127.0.0.1',
        'data-dir': '.data/local-stack',
        'account-id': '000000000000',
        quotas: 'none',
        once: false,
        memory: false,
      }),
    });
    if (parsed.kind !== 'run') throw new Error('expected options');
    expect(parsed.args.port).toBeUndefined();
    expect(parseStartArgs(['--port', '0', '--once'])).toMatchObject({
      kind: 'run',
      args: { port: '0', once: true },
    });
  });

  it('answers --help and -h with the usage, and an unknown option, a missing value or a stray argument with a usage error', () => {
    expect(parseStartArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseStartArgs(['-h', '--bogus'])).toMatchObject({ kind: 'usage-error' });
    expect(parseStartArgs(['--bogus'])).toEqual({
      kind: 'usage-error',
      message: expect.stringContaining("'--bogus'"),
    });
    expect(parseStartArgs(['--port'])).toMatchObject({ kind: 'usage-error' });
    expect(parseStartArgs(['extra'])).toMatchObject({ kind: 'usage-error' });
  });

  it('takes --cdk-out and --cdk-stack only together', () => {
    for (const alone of [
      ['--cdk-out', 'cdk.out'],
      ['--cdk-stack', 'Shop'],
    ]) {
      expect(parseStartArgs(alone)).toEqual({
        kind: 'usage-error',
        message: '--cdk-out and --cdk-stack go together',
      });
    }
    expect(parseStartArgs(['--cdk-out', 'cdk.out', '--cdk-stack', 'Shop'])).toMatchObject({
      kind: 'run',
      args: { 'cdk-out': 'cdk.out', 'cdk-stack': 'Shop' },
    });
  });
});

describe('npm start -- --help and unknown options, as a process', () => {
  it('prints the usage and exits 0 for --help, starting nothing', async () => {
    const run = await runStack(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(startUsage());
    expect(run.stderr).toBe('');
  });

  it('prints the problem and the usage, without a stack trace, and exits 2 for an unknown option', async () => {
    const run = await runStack(['--bogus']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith("Unknown option '--bogus'")).toBe(true);
    expect(run.stderr.endsWith(`\n\n${startUsage()}`)).toBe(true);
    expect(run.stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
  });
});
