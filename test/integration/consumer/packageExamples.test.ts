import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerSecrets, seedConsumerSecrets } from '../../../local/consumer/seedConsumerSecrets.js';
import type { TokenService } from '../../../local/token-service/startTokenService.js';
import { readBuildProperties, toEsbuildOptions } from '../../../scripts/functionBuildOptions.js';
import {
  type ExampleEnvironment,
  exerciseLambdaExample,
  exerciseServerExample,
} from '../../../testing/consumer/exercisePackageExamples.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { auditOutput } from '../../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../../testing/leaks/sensitiveStrings.js';
import { startTestPostgres, type TestPostgres } from '../../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';
import { startTestTokenService } from '../../support/startTestTokenService.js';

/**
 * The package README's examples against the package's build, as `npm run build` leaves it (the
 * packed tarball, installed into a new application, gets the same run from
 * scripts/ci/package-smoke.sh).
 */
const EXAMPLES = fileURLToPath(new URL('../../../packages/rotating-secrets/examples/', import.meta.url));
const PREFIX = 'examples';

let server: TestPostgres;
let tokens: TokenService;
let stack: TestStack;
let secrets: ConsumerSecrets;
let env: ExampleEnvironment;
let reads = 0;
const output: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'package-examples-'));

beforeAll(async () => {
  server = await startTestPostgres();
  tokens = await startTestTokenService();
  stack = await startTestStack({
    functionEnvironment: () => ({ PG_CA_FILE: server.caFile }),
    onRequest: (operation) => {
      if (operation === 'GetSecretValue') reads += 1;
    },
  });
  secrets = await seedConsumerSecrets(stack.client, server, tokens, PREFIX);
  env = {
    stack: stack.stack,
    client: stack.client,
    postgres: server,
    tokens,
    secrets,
    prefix: PREFIX,
    reads: () => reads,
    logSink: (line) => output.push(line),
  };
}, 60_000);

afterAll(async () => {
  const text = output.join('\n');
  auditOutput(text);
  const stored = stack.stack.secretsManager.store
    .all()
    .flatMap((record) => record.versions)
    .flatMap((version) => (version.secretString === undefined ? [] : sensitiveStrings(version.secretString)));
  try {
    assertNoSecretLeaks(text, stored);
  } finally {
    await stack?.close();
    await tokens?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
});

describe('the Lambda example', () => {
  it('reads the secret once for all warm invocations, and follows a rotation that happened in between', async () => {
    // Bundled as SAM bundles a function, with the functions' own esbuild options.
    await build({
      ...toEsbuildOptions(readBuildProperties()),
      entryPoints: { index: join(EXAMPLES, 'lambdaHandler.ts') },
      outdir: join(work, 'functions', 'orders-report'),
    });

    const run = await exerciseLambdaExample(env, join(work, 'functions'), 'orders-report');

    expect(run.answers.map((answer) => answer.username)).toEqual(Array(9).fill(`${PREFIX}_single`));
    // One read at the cold start: the warm invocations share the module-scope cache and connection.
    expect(run.readsBefore).toBe(1);
    // The cached password is rejected once after the rotation: one fresh read, and no failed call.
    expect(run.readsAfter).toBe(1);
  }, 120_000);
});

describe('the server example', () => {
  it('answers every request while the database user and the API token rotate, then shuts down on SIGTERM', async () => {
    const run = await exerciseServerExample(env, [
      process.execPath,
      '--import',
      'tsx',
      join(EXAMPLES, 'server.ts'),
    ]);

    expect([...run.statuses.keys()]).toEqual([200]);
    expect(run.statuses.get(200)).toBeGreaterThan(20);
    expect(run.users).toContain(`${PREFIX}_alt`);
    // The token it started with is revoked: the answers after that came from retries with the new one.
    expect(run.firstTokenStatus).toBe(401);
    expect(run.exitCode).toBe(0);
  }, 120_000);
});
