import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createRotatingPool } from '@secrets-rotation/rotating-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionInvoker } from '../../local/lambda/createFunctionInvoker.js';
import { generatePassword } from '../../shared/passwords/generatePassword.js';
import { loadPasswordPolicy } from '../../shared/passwords/PasswordPolicy.js';
import { scramVerifier } from '../../shared/targets/postgres/scramVerifier.js';
import { auditSecrets } from '../../testing/leaks/leakAudit.js';
import { recordFigures } from '../support/recordFigures.js';
import { StepBreaker } from '../support/StepBreaker.js';
import { startTestPostgres, type TestPostgres } from '../support/startTestPostgres.js';
import { startTestStack, type TestStack } from '../support/startTestStack.js';

const SINGLE_USER = 'arn:aws:lambda:us-east-1:000000000000:function:postgres-single-user';
const WINDOWS = 25;
const breaker = new StepBreaker();
let server: TestPostgres;
let env: TestStack;

beforeAll(async () => {
  server = await startTestPostgres();
  env = await startTestStack({
    retry: { maxAttempts: 1, baseDelayMs: 10 },
    // Reattempted as soon as the test asks (runReattempts).
    reattempt: { delayMs: 0, maxDelayMs: 0 },
    functionEnvironment: () => ({ PG_CA_FILE: server.caFile }),
    createInvoker: (options) => breaker.wrap(createFunctionInvoker(options)),
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
  await server?.close();
});

describe('the consumer library through single-user windows, one after another', () => {
  it('fails no query while many connections open at once as each window opens and closes', async () => {
    const initial = generatePassword(loadPasswordPolicy({}));
    auditSecrets([initial]);
    const verifier = await scramVerifier(initial);
    await server.admin((c) =>
      c.query(`CREATE ROLE churn_single LOGIN PASSWORD ${c.escapeLiteral(verifier)}`),
    );
    const created = await env.client.send(
      new CreateSecretCommand({
        Name: 'bridging/churn',
        SecretString: JSON.stringify({
          engine: 'postgres',
          host: server.host,
          port: server.port,
          username: 'churn_single',
          password: initial,
          dbname: 'postgres',
        }),
      }),
    );
    const arn = created.ARN ?? '';
    const app = new SecretsManagerClient({
      endpoint: env.stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'app', secretAccessKey: 'app' },
    });
    // Short-lived connections and a short cache: new logins all the time, often with a stale value.
    const pool = createRotatingPool(
      arn,
      { max: 4, tls: { ca: server.caPem }, idleTimeoutMillis: 500, maxLifetimeSeconds: 1 },
      { client: app, maxAgeSeconds: 2 },
    );
    let running = true;
    let queries = 0;
    const failures: string[] = [];
    const load = (async () => {
      while (running) {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            pool.query('SELECT 1').then(
              () => {
                queries += 1;
              },
              (error: { name?: string; code?: string }) => {
                failures.push(`${error.name} ${error.code ?? ''}`);
              },
            ),
          ),
        );
        await sleep(10);
      }
    })();

    // Each window: setSecret done, finishSecret failing for a while, then the reattempt finishes it
    // and the next rotation starts at once.
    for (let i = 0; i < WINDOWS; i++) {
      breaker.set(arn, 'finishSecret');
      const out = await env.client.send(
        new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: SINGLE_USER }),
      );
      const versionId = out.VersionId ?? '';
      await env.stack.runner.waitForRotation(arn, versionId, 20_000).catch(() => undefined);
      await sleep(50 + ((i * 97) % 500));
      breaker.set(arn, undefined);
      await env.stack.scheduler.runReattempts();
      const reattempted = env.stack.runner.rotations(arn).at(-1);
      await env.stack.runner.waitForRotation(arn, reattempted?.versionId ?? versionId, 20_000);
    }
    running = false;
    await load;
    await pool.end();
    app.destroy();
    recordFigures('consumer-bridging', { windows: WINDOWS, queries, failed: failures.length });

    expect(failures).toEqual([]);
    expect(queries).toBeGreaterThan(1_000);
  }, 120_000);
});
