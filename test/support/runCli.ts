import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { auditOutput } from '../../testing/leaks/leakAudit.js';

const BIN = fileURLToPath(new URL('../../dist/cli/secrets-rotation.mjs', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built operator tool against `endpoint` as an operator would, with dummy credentials and
 * only the environment given; everything it prints joins the suite's leak check.
 */
export function runCli(
  endpoint: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--endpoint-url', endpoint, ...args], {
      env: {
        PATH: process.env['PATH'] ?? '',
        AWS_MAX_ATTEMPTS: '1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      auditOutput(`${stdout}\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}
