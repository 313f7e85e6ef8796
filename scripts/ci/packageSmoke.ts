/**
 * The second half of scripts/ci/package-smoke.sh: runs the package README's examples, compiled in
 * a new application against the package installed from its tarball, against the local stack while
 * their secrets rotate. Exits non-zero when a request or invocation fails, when the Lambda example
 * reads the secret more often than its cache allows, or when a secret value shows in any output.
 *
 *   tsx scripts/ci/packageSmoke.ts <application dir, holding dist/lambdaHandler.js and dist/server.js>
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { seedConsumerSecrets } from '../../local/consumer/seedConsumerSecrets.js';
import { LOCAL_REGION } from '../../local/stack/startLocalStack.js';
import {
  type ExampleEnvironment,
  exerciseLambdaExample,
  exerciseServerExample,
} from '../../testing/consumer/exercisePackageExamples.js';
import { findLeaks } from '../../testing/leaks/findLeaks.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { startLocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';

const PREFIX = 'smoke';
const app = resolve(process.argv[2] ?? '');
const handlerFile = join(app, 'dist', 'lambdaHandler.js');
const serverFile = join(app, 'dist', 'server.js');
if (!existsSync(handlerFile) || !existsSync(serverFile)) {
  process.stderr.write(
    `usage: packageSmoke.ts <application dir>: no dist/lambdaHandler.js or dist/server.js in ${app}\n`,
  );
  process.exit(2);
}

// The local Lambda runtime loads <function>/index.mjs: here, the application's compiled handler.
const functionsDir = mkdtempSync(join(tmpdir(), 'package-smoke-functions-'));
mkdirSync(join(functionsDir, 'orders-report'));
writeFileSync(
  join(functionsDir, 'orders-report', 'index.mjs'),
  `export { handler } from ${JSON.stringify(pathToFileURL(handlerFile).href)};\n`,
);

const log: string[] = [];
let reads = 0;
const local = await startLocalEnvironment({
  logSink: (line) => log.push(line),
  onRequest: (operation) => {
    if (operation === 'GetSecretValue') reads += 1;
  },
});
const admin = new SecretsManagerClient({
  endpoint: local.stack.url,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const problems: string[] = [];
try {
  const env: ExampleEnvironment = {
    stack: local.stack,
    client: admin,
    postgres: local.postgres,
    tokens: local.tokens,
    secrets: await seedConsumerSecrets(admin, local.postgres, local.tokens, PREFIX),
    prefix: PREFIX,
    reads: () => reads,
    logSink: (line) => log.push(line),
  };

  const lambda = await exerciseLambdaExample(env, functionsDir, 'orders-report');
  if (lambda.readsBefore !== 1 || lambda.readsAfter !== 1)
    problems.push(
      `the Lambda example read the secret ${lambda.readsBefore} time(s) in 5 warm invocations and ` +
        `${lambda.readsAfter} in 4 after a rotation (1 and 1 expected)`,
    );
  process.stdout.write(
    `Lambda example: ${lambda.answers.length} invocations through a single-user rotation, ` +
      `${lambda.readsBefore} + ${lambda.readsAfter} Secrets Manager reads\n`,
  );

  const server = await exerciseServerExample(env, [process.execPath, serverFile]);
  const answers = [...server.statuses].map(
    ([status, count]) => `${count} × ${status === 0 ? 'none' : status}`,
  );
  if ([...server.statuses.keys()].some((status) => status !== 200))
    problems.push(`the server example answered ${answers.join(', ')}`);
  if (server.firstTokenStatus !== 401)
    problems.push(`the token the server started with was not retired (${server.firstTokenStatus})`);
  if (server.exitCode !== 0) problems.push(`the server example exited with ${server.exitCode} on SIGTERM`);
  process.stdout.write(
    `server example: ${answers.join(', ')} through 2 alternating-users and 2 API token rotations; ` +
      `exit ${server.exitCode} on SIGTERM\n`,
  );
} finally {
  admin.destroy();
  const stored = local.stack.secretsManager.store
    .all()
    .flatMap((record) => record.versions)
    .flatMap((version) => (version.secretString === undefined ? [] : sensitiveStrings(version.secretString)));
  await local.close();
  rmSync(functionsDir, { recursive: true, force: true });
  const leaks = findLeaks(log.join('\n'), stored);
  if (leaks.length > 0) problems.push(`${leaks.length} secret value(s) in the output`);
}

if (problems.length > 0) {
  process.stderr.write(`package smoke test failed:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('package smoke test: passed\n');
