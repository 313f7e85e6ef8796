import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaNode, lambdaNodeArm64 } from '../../../local/lambda/lambdaNode.js';
import { FUNCTION_MEMORY_MB, lambdaNodeArgs } from '../../../local/lambda/lambdaNodeArgs.js';
import { startFinishedVersionEndpoint } from '../../../scripts/codeCache/startFinishedVersionEndpoint.js';
import { BUNDLE_FILE } from '../../../shared/runtime/bundleScript.js';

const run = promisify(execFile);
const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:code-cache-test-AbCdEf';
const TOKEN = '11111111-1111-4111-8111-111111111111';
const node = lambdaNode();

/**
 * The built function as Lambda loads it (dist/, `npm run build`), in a copy each test may change,
 * started by the Lambda runtime's Node when it is installed.
 */
describe('the function loader and its code cache', () => {
  let root: string;
  let server: Awaited<ReturnType<typeof startFinishedVersionEndpoint>>;
  let endpoint: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'code-cache-'));
    server = await startFinishedVersionEndpoint(SECRET, TOKEN);
    endpoint = server.url;
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const copy = (name: string) => {
    const dir = mkdtempSync(join(root, `${name}-`));
    cpSync(join('dist', 'postgres-single-user'), dir, { recursive: true });
    return dir;
  };

  /** Loads the function, runs one step and reports the code cache's use, the files it read, and the outcome. */
  const invoke = async (
    dir: string,
    options: {
      step?: string;
      nodeArgs?: string[];
      sourceMaps?: boolean;
      env?: Record<string, string>;
      node?: string;
    } = {},
  ) => {
    const code = `
      const files = require('node:fs/promises'); const readFile = files.readFile; const read = [];
      files.readFile = (path, ...rest) => { read.push(String(path)); return readFile(path, ...rest); };
      const { handler } = require(${JSON.stringify(join(dir, 'index.cjs'))});
      const use = globalThis[Symbol.for('secrets-rotation.codeCache')];
      handler({ Step: ${JSON.stringify(options.step ?? 'createSecret')}, SecretId: ${JSON.stringify(SECRET)}, ClientRequestToken: ${JSON.stringify(TOKEN)} },
        { functionName: 'code-cache-test', awsRequestId: 'r', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:code-cache-test', getRemainingTimeInMillis: () => 30000 })
        .then(() => ({ use, ok: true, read }), (error) => ({ use, ok: false, read, stack: String(error.stack) }))
        .then((outcome) => { process.stderr.write('\\nOUTCOME ' + JSON.stringify(outcome) + '\\n'); process.exit(0); });`;
    const { stderr } = await run(
      node.path,
      [...(options.nodeArgs ?? lambdaNodeArgs(FUNCTION_MEMORY_MB)), '-e', code],
      {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_LAMBDA_FUNCTION_NAME: 'code-cache-test',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
          NODE_OPTIONS: options.sourceMaps === false ? '' : '--enable-source-maps',
          ...options.env,
        },
      },
    );
    const line = stderr.split('\n').find((l) => l.startsWith('OUTCOME '));
    if (line === undefined) throw new Error(`no outcome: ${stderr}`);
    return JSON.parse(line.slice('OUTCOME '.length)) as {
      use: string;
      ok: boolean;
      read: string[];
      stack?: string;
    };
  };

  const caches = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.v8cache'));

  it('compiles the bundle from its cache when started as Lambda starts the Node that made it', async () => {
    const dir = copy('accepted');
    if (node.pinned) {
      expect(caches(dir).filter((file) => file.endsWith('-x64.v8cache'))).toHaveLength(1);
      expect(await invoke(dir)).toEqual({ use: 'accepted', ok: true, read: [] });
    } else {
      // Without the Lambda runtime's Node the build makes no cache for this machine, and the function
      // loads without one.
      expect(caches(dir).filter((file) => file.endsWith('-x64.v8cache'))).toEqual([]);
      expect(await invoke(dir)).toEqual({ use: 'none', ok: true, read: [] });
    }
  });

  it('compiles from the arm64 cache on the arm64 Node, the architecture the template deploys on', async () => {
    const dir = copy('arm64');
    const arm64 = lambdaNodeArm64();
    const armCaches = caches(dir).filter((file) => file.endsWith('-arm64.v8cache'));
    if (arm64 !== undefined) {
      expect(armCaches).toHaveLength(1);
      expect(await invoke(dir, { node: arm64 })).toEqual({ use: 'accepted', ok: true, read: [] });
    } else {
      expect(armCaches).toEqual([]);
    }
  });

  it('runs the same without the cache when V8 refuses it (other flags) or none is there for this Node', async () => {
    const dir = copy('refused');
    // Without Lambda's --expose-gc, V8's flag check refuses a cache made with it.
    expect(await invoke(dir, { nodeArgs: [] })).toEqual({
      use: node.pinned ? 'rejected' : 'none',
      ok: true,
      read: [],
    });
    for (const file of caches(dir)) rmSync(join(dir, file));
    expect(await invoke(dir)).toEqual({ use: 'none', ok: true, read: [] });
  });

  it('never offers the cache to other bytes, even of the same length', async () => {
    const dir = copy('altered');
    const file = join(dir, BUNDLE_FILE);
    const source = readFileSync(file, 'utf8');
    const altered = source.replace('the rotation is retried', 'the rotation is retrieD');
    expect(altered).not.toBe(source);
    expect(altered.length).toBe(source.length);
    writeFileSync(file, altered);
    expect(await invoke(dir)).toEqual({ use: 'none', ok: true, read: [] });
  });

  it('gives stack frames in the bundle their TypeScript source with --enable-source-maps, and only then', async () => {
    const dir = copy('stacks');
    const mapped = await invoke(dir, { step: 'noSuchStep' });
    expect(mapped.ok).toBe(false);
    expect(mapped.stack).toMatch(/shared\/rotation\/[A-Za-z]+\.ts:\d+:\d+/);
    expect(mapped.stack).not.toContain(BUNDLE_FILE);

    const plain = await invoke(dir, { step: 'noSuchStep', sourceMaps: false });
    expect(plain.ok).toBe(false);
    expect(plain.stack).toContain(`${join(dir, BUNDLE_FILE)}:`);
    expect(plain.stack).not.toMatch(/\.ts:\d+/);
  });

  it('reads no file at its first request in Lambda, where the SDK alone would read the shared config files', async () => {
    const dir = copy('files');
    const files = {
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    };
    writeFileSync(files.AWS_CONFIG_FILE, '[default]\n');
    writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, '[default]\n');
    expect(await invoke(dir, { env: files })).toMatchObject({ ok: true, read: [] });
    // Outside Lambda (no function name) the SDK resolves its settings itself, and reads both.
    const outside = await invoke(dir, { env: { ...files, AWS_LAMBDA_FUNCTION_NAME: '' } });
    expect(outside.ok).toBe(true);
    expect([...outside.read].sort()).toEqual(Object.values(files).sort());
  });

  it('ships through sam build as built: its Makefile target copies the loader, bundle, map and caches, and nothing else', async () => {
    const dir = copy('sam');
    const makefile = readFileSync(join(dir, 'Makefile'), 'utf8');
    const target = /^build-PostgresSingleUserFunction:\n((?:\t.*\n)+)/m.exec(makefile);
    expect(target).not.toBeNull();
    const artifacts = mkdtempSync(join(root, 'artifacts-'));
    // What make does with the recipe: each tab-indented line through sh, in the function's directory.
    for (const line of (target?.[1] ?? '').split('\n').filter((l) => l.startsWith('\t'))) {
      await run('sh', ['-c', line.slice(1).replaceAll('$(ARTIFACTS_DIR)', artifacts)], { cwd: dir });
    }
    const shipped = readdirSync(artifacts).sort();
    expect(shipped).toEqual(
      readdirSync(dir)
        .filter((file) => file !== 'Makefile')
        .sort(),
    );
    expect(shipped).toEqual(expect.arrayContaining(['index.cjs', BUNDLE_FILE, `${BUNDLE_FILE}.map`]));
  });

  it('ships the cache readable by any user, as Lambda runs functions as another user than the one that built them', () => {
    const dir = join('dist', 'postgres-single-user');
    expect(existsSync(join(dir, 'index.cjs'))).toBe(true);
    for (const file of readdirSync(dir)) {
      const { mode } = statSync(join(dir, file));
      expect(mode & 0o444, file).toBe(0o444);
    }
  });
});
