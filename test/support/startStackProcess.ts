import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { auditOutput } from '../../testing/leaks/leakAudit.js';

export interface StackProcess {
  readonly url: string;
  /** SIGKILL: no shutdown code runs, as when a machine loses power. */
  kill(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('../../local/start.ts', import.meta.url));

/** The local stack (endpoint only: no Postgres, no demos) in its own process, on a free port. */
export function startStackProcess(dataDir: string): Promise<StackProcess> {
  return new Promise((resolve, reject) => {
    const args = [
      '--import',
      'tsx',
      SCRIPT,
      '--port',
      '0',
      '--token-port',
      '0',
      '--no-postgres',
      '--data-dir',
      dataDir,
      '--no-demo',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    child.once('exit', () => auditOutput(out));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url === undefined) return;
      resolve({
        url,
        kill: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`stack exited early (${code})`)));
  });
}
