/**
 * Run by the Lambda runtime's Node, with Lambda's flags, for one function directory: compiles its
 * bundle as the loader does, runs a cold start's first invocation (createSecret, through its first
 * Secrets Manager round trip, against a local endpoint), and writes the V8 code cache, which then
 * holds the functions that path compiled as well as the top level.
 *
 *   node <lambda flags> exerciseBundle.cjs <function dir>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLE_FILE,
  bundleDigest,
  codeCacheFile,
  compileBundle,
} from '../../shared/runtime/bundleScript.js';
import { startFinishedVersionEndpoint } from './startFinishedVersionEndpoint.js';

const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:code-cache-AbCdEf';
const TOKEN = '00000000-0000-4000-8000-000000000000';

const dir = process.argv[2] ?? '';
const file = join(dir, BUNDLE_FILE);
const source = readFileSync(file, 'utf8');

const endpoint = (await startFinishedVersionEndpoint(SECRET, TOKEN)).url;
process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] = endpoint;
process.env['SECRETS_MANAGER_ENDPOINT'] = endpoint;

const bundle = compileBundle(file, dir, source);
const { handler } = bundle.run() as { handler: (event: unknown, context: unknown) => Promise<unknown> };
await handler(
  { Step: 'createSecret', SecretId: SECRET, ClientRequestToken: TOKEN },
  {
    functionName: 'code-cache',
    awsRequestId: TOKEN,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:code-cache',
    getRemainingTimeInMillis: () => 30_000,
  },
);
writeFileSync(
  join(dir, codeCacheFile(bundleDigest(source), process.version, process.arch)),
  bundle.script.createCachedData(),
  {
    mode: 0o644,
  },
);
process.exit(0);
