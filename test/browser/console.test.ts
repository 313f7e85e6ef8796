import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDemo } from '../../local/demo/postgresDemo.js';
import { randomValueDemo } from '../../local/demo/randomValueDemo.js';
import { runDemos } from '../../local/demo/runDemos.js';
import { scramVerifier } from '../../shared/targets/postgres/scramVerifier.js';
import { assertNoSecretLeaks } from '../../testing/leaks/assertNoSecretLeaks.js';
import { auditOutput, auditSecrets } from '../../testing/leaks/leakAudit.js';
import { sensitiveStrings } from '../../testing/leaks/sensitiveStrings.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../testing/stack/startLocalEnvironment.js';
import { findChromium } from '../support/findChromium.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
/** The README's picture of the console. Rewritten only on request: each run's ids and times differ. */
const SCREENSHOT = fileURLToPath(new URL('../../docs/images/console.png', import.meta.url));
const BROKEN_DB = '/services/console/broken-db';
const BROKEN_KEY = 'console/broken-key';
/** The login the broken secret names; its real password is not the one the secret holds. */
const ROLE = 'console_app';
const ROLE_PASSWORD = 'Console-app-Real-password-5Tq';
const WRONG_PASSWORD = 'Console-app-Wrong-password-8Lp';

let env: LocalEnvironment;
let client: SecretsManagerClient;
let browser: Browser;
let page: Page;
const log: string[] = [];
/** Every body the console's API answered the page with, and every HTML snapshot taken. */
const seen: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'console-browser-'));

const card = (name: string) => `section.secret[data-name="${name}"]`;

/** The text of every element matching `selector`, in document order. */
const texts = (selector: string) =>
  page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent ?? ''));

/** Waits until `selector` matches at least `count` elements on the page. */
async function waitForCount(selector: string, count: number, timeoutMs = 20_000): Promise<void> {
  // A string, evaluated in the page: this project's TypeScript has no DOM types.
  await page.waitForFunction(`document.querySelectorAll(${JSON.stringify(selector)}).length >= ${count}`, {
    timeout: timeoutMs,
    polling: 100,
  });
}

async function snapshotHtml(): Promise<void> {
  seen.push(await page.content());
}

beforeAll(async () => {
  // First: without a browser nothing else is worth starting, and the failure says how to get one.
  const executablePath = findChromium();
  const root = process.getuid?.() === 0;
  [env, browser] = await Promise.all([
    startLocalEnvironment({ retry: { maxAttempts: 2, baseDelayMs: 10 }, logSink: (line) => log.push(line) }),
    puppeteer.launch({
      executablePath,
      headless: true,
      // Chromium's sandbox refuses to run as root; the page is our own, on loopback.
      args: ['--headless=new', '--disable-gpu', '--disable-dev-shm-usage', ...(root ? ['--no-sandbox'] : [])],
    }),
  ]);
  client = new SecretsManagerClient({
    endpoint: env.stack.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1500 });
  page.on('dialog', (dialog) => void dialog.accept());
  page.on('response', (response) => {
    if (!response.url().includes('/_local/console/api/')) return;
    response.text().then(
      (body) => seen.push(body),
      () => undefined,
    );
  });
}, 60_000);

afterAll(async () => {
  try {
    const values = [
      ...env.stack.secretsManager.store
        .all()
        .flatMap((record) => record.versions)
        .flatMap((version) =>
          version.secretString === undefined ? [] : sensitiveStrings(version.secretString),
        ),
      ROLE_PASSWORD,
      WRONG_PASSWORD,
    ];
    auditOutput(log.join('\n'));
    auditSecrets(values);
  } finally {
    await browser?.close();
    client?.destroy();
    await env?.close();
    rmSync(work, { recursive: true, force: true });
  }
});

describe('the local console in Chromium', () => {
  it('shows a demo rotation with its four steps as it runs', async () => {
    await page.goto(env.stack.consoleUrl, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#refreshed:not(:empty)');

    const context = {
      client,
      region: REGION,
      accountId: ACCOUNT,
      waitForRotation: (arn: string, versionId: string, timeoutMs: number) =>
        env.stack.runner.waitForRotation(arn, versionId, timeoutMs),
    };
    const results = await runDemos(
      [randomValueDemo, createPostgresDemo(env.postgres, 'single-user')],
      context,
    );
    expect(results.map((r) => [r.name, r.verified])).toEqual([
      ['random-value', true],
      ['postgres-single-user', true],
    ]);

    for (const name of ['demo/random-value', '/services/orders/local']) {
      const done = `${card(name)} .rotation[data-outcome="succeeded"]`;
      await waitForCount(done, 1);
      expect(await texts(`${done} .step[data-outcome="succeeded"] .step-name`)).toEqual([
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ]);
      expect(await texts(`${card(name)} > header .health`)).toEqual(['OK']);
    }
    expect(await texts(`${card('demo/random-value')} .event-name`)).toEqual([
      'RotationSucceeded',
      'RotationStarted',
    ]);
    await snapshotHtml();
  });

  it('shows a failed rotation as stuck, with the named error of the step that failed', async () => {
    await env.postgres.admin(async (c) =>
      c.query(
        `CREATE ROLE ${ROLE} WITH LOGIN PASSWORD ${c.escapeLiteral(await scramVerifier(ROLE_PASSWORD))}`,
      ),
    );
    const { ARN } = await client.send(
      new CreateSecretCommand({
        Name: BROKEN_DB,
        SecretString: JSON.stringify({
          engine: 'postgres',
          host: env.postgres.host,
          port: env.postgres.port,
          dbname: 'postgres',
          username: ROLE,
          password: WRONG_PASSWORD,
        }),
      }),
    );
    await client.send(
      new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: fn('postgres-single-user') }),
    );

    const failed = `${card(BROKEN_DB)} .rotation[data-outcome="failed"]`;
    await waitForCount(failed, 1);
    await page.waitForSelector(`${card(BROKEN_DB)}[data-health="stuck"]`);
    expect(await texts(`${failed} .step[data-outcome="failed"] .step-name`)).toEqual([
      'setSecret',
      'setSecret',
    ]);
    expect(await texts(`${failed} .step[data-outcome="failed"] .error-type`)).toEqual([
      'NoWorkingCredentialsError',
      'NoWorkingCredentialsError',
    ]);
    const [error] = await texts(`${failed} .rotation-error`);
    expect(error).toContain('setSecret failed:');
    expect(error).toContain('NoWorkingCredentialsError');
    expect(error).toContain(`Cannot set the new password of '${ROLE}'`);
    const [summary] = await texts(`${card(BROKEN_DB)} .summary`);
    expect(summary).toContain('AWSPENDING is on version');
    expect(summary).toContain('its last rotation attempt failed');
    expect(await texts(`${card(BROKEN_DB)} .event-name`)).toEqual(['RotationFailed', 'RotationStarted']);

    // Neither password logs in from here: the safe cancel refuses, as the CLI does without --force.
    await page.click(`${card(BROKEN_DB)} button.cancel`);
    await page.waitForSelector(`${card(BROKEN_DB)} .note-error`);
    expect((await texts(`${card(BROKEN_DB)} .note-error`))[0]).toContain(
      'CancelRefused: Refusing: neither AWSCURRENT',
    );
    await snapshotHtml();
  });

  it("shows each of a stuck secret's errors once, a short first line with the rest on demand", async () => {
    const stuck = card(BROKEN_DB);
    const whole = (await texts(stuck))[0] ?? '';
    const count = (text: string) => whole.split(text).length - 1;
    // The diagnosis, the refusal, the credential check, the rotation and its event each quote an
    // error; each text is in the card once.
    expect(count(`Cannot set the new password of '${ROLE}'`)).toBe(1);
    expect(count(`rejected the login of '${ROLE}' with the AWSCURRENT credentials`)).toBe(1);
    expect(count(`rejected the login of '${ROLE}' with the AWSPENDING credentials`)).toBe(1);
    expect(count('Refusing: neither AWSCURRENT')).toBe(1);
    // Where a text comes back, only its name is shown, pointing up to it.
    expect(await texts(`${stuck} .event[data-event="RotationFailed"] .error-ref .error-type`)).toEqual([
      'NoWorkingCredentialsError',
    ]);
    expect((await texts(`${stuck} .summary`))[0]).toContain(
      'Neither AWSCURRENT (PostgresLoginRejectedError) nor AWSPENDING (PostgresLoginRejectedError)',
    );
    expect((await texts(`${stuck} .note-error summary`))[0]).toContain(
      'Refusing: neither AWSCURRENT (PostgresLoginRejectedError) nor AWSPENDING (PostgresLoginRejectedError)',
    );

    // Each error opens on one short line; the rest of its text is there on demand.
    const lines = await texts(`${stuck} details.error > summary`);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      expect(line).not.toContain('\n');
      expect(line.length).toBeLessThanOrEqual(240);
    }
    const hidden = `${stuck} .rotation-error details.error:not([open]) .error-rest`;
    const visible = (selector: string) =>
      page.$eval(selector, (node) => (node as unknown as { checkVisibility(): boolean }).checkVisibility());
    expect(await visible(hidden)).toBe(false);
    await page.click(`${stuck} .rotation-error details.error > summary`);
    await page.waitForSelector(`${stuck} .rotation-error details.error[open] .error-rest`);
    expect(await visible(`${stuck} .rotation-error .error-rest`)).toBe(true);
    expect((await texts(`${stuck} .rotation-error .error-rest`))[0]).toContain(
      'Store the working password as AWSCURRENT',
    );
    // Opened text stays open when the card is drawn again.
    await page.evaluate('new Promise((resolve) => setTimeout(resolve, 2_500))');
    expect(await page.$(`${stuck} .rotation-error details.error[open]`)).not.toBeNull();
    await snapshotHtml();
  });

  it('cancels a stuck rotation whose pending version has no value', async () => {
    const { ARN } = await client.send(
      new CreateSecretCommand({ Name: BROKEN_KEY, SecretString: 'console-not-json-Signing-key-2Wm' }),
    );
    await client.send(new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: fn('random-value') }));
    await page.waitForSelector(`${card(BROKEN_KEY)}[data-health="stuck"] button.cancel`, { timeout: 20_000 });

    await page.click(`${card(BROKEN_KEY)} button.cancel`);

    await page.waitForSelector(`${card(BROKEN_KEY)}[data-health="ok"]`, { timeout: 20_000 });
    expect((await texts(`${card(BROKEN_KEY)} .note-ok`))[0]).toContain('Cleared AWSPENDING from version');
    expect(await page.$(`${card(BROKEN_KEY)} button.cancel`)).toBeNull();
  });

  it('rotates a secret now from its button, and shows the new rotation complete', async () => {
    const rotations = `${card('demo/random-value')} .rotation`;
    const before = (await texts(rotations)).length;

    await page.click(`${card('demo/random-value')} button.rotate`);

    await waitForCount(rotations, before + 1);
    // Newest first: the rotation the button started.
    await page.waitForSelector(`${rotations}:first-child[data-outcome="succeeded"]`, { timeout: 20_000 });
    expect((await texts(`${card('demo/random-value')} .note-ok`))[0]).toMatch(/^Rotation started: version /);
    expect(await texts(`${rotations}:first-child .step[data-outcome="succeeded"] .step-name`)).toHaveLength(
      4,
    );
    await snapshotHtml();
  });

  it('never shows a secret value, in the page or in any answer of its API', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    const shot = join(work, 'console.png');
    await page.screenshot({ path: shot });
    if (process.env['UPDATE_SCREENSHOTS'] === '1') writeFileSync(SCREENSHOT, readFileSync(shot));
    await snapshotHtml();
    const values = env.stack.secretsManager.store
      .all()
      .flatMap((record) => record.versions)
      .flatMap((version) =>
        version.secretString === undefined ? [] : sensitiveStrings(version.secretString),
      );

    // Every version of every secret, the database's own password and the one the broken secret holds.
    expect(values.length).toBeGreaterThan(8);
    expect(seen.filter((body) => body.startsWith('{"generatedAt"')).length).toBeGreaterThan(2);
    assertNoSecretLeaks(seen.join('\n'), [...values, ROLE_PASSWORD, WRONG_PASSWORD]);
    expect(seen.join('\n')).not.toMatch(/SecretString|SecretBinary/);
    // A PNG of the whole viewport.
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  });
});
