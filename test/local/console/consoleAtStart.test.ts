import { afterEach, describe, expect, it } from 'vitest';
import { killSpawnedStacks, spawnStack } from '../../support/spawnStack.js';

afterEach(() => killSpawnedStacks());

describe('npm start', () => {
  it('prints the console’s address, where the console answers', async () => {
    const stack = spawnStack(['--port', '0', '--no-postgres', '--no-demo', '--memory']);
    await stack.waitFor(/Running\./);

    const url = /listening on (http:\/\/\S+)/.exec(stack.stdout())?.[1] ?? '';
    const consoleUrl = /^ {2}console: (http:\/\/\S+)/m.exec(stack.stdout())?.[1] ?? '';
    expect(consoleUrl).toBe(`${url}/_local/console`);
    const page = await fetch(consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Secrets rotation · local console</title>');
  });
});
