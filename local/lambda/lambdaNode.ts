import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installer of the Node the functions run on in production (scripts/ci/lambda-node.env). */
const INSTALLER = fileURLToPath(new URL('../../scripts/ci/install-lambda-node.sh', import.meta.url));

export interface LambdaNode {
  /** The `node` a function's process runs on. */
  readonly path: string;
  /** It is the pinned production runtime, not a stand-in. */
  readonly pinned: boolean;
}

let found: LambdaNode | undefined;
let foundArm64: string | null | undefined;

/**
 * The Node a local function runs on: the pinned production runtime when
 * `scripts/ci/install-lambda-node.sh` has installed it (its `--cached` mode installs nothing and
 * only says where it is), else the Node running the stack. Looked up once per process.
 */
export function lambdaNode(): LambdaNode {
  found ??= lookUp();
  return found;
}

/**
 * The pinned runtime's arm64 build (template.yaml deploys on arm64), as a command this machine can
 * run: `install-lambda-node.sh --arch arm64` installs it with a wrapper that runs it under qemu-user.
 * `undefined` where it is not installed or cannot run here. Only the build uses it, to make the arm64
 * code cache.
 */
export function lambdaNodeArm64(): string | undefined {
  if (foundArm64 === undefined) {
    const dir = installed(['--arch', 'arm64']);
    foundArm64 = dir !== undefined && existsSync(join(dir, 'node-arm64')) ? join(dir, 'node-arm64') : null;
  }
  return foundArm64 ?? undefined;
}

/** The directory `install-lambda-node.sh --cached` prints, when it has installed that Node. */
function installed(args: readonly string[]): string | undefined {
  if (!existsSync(INSTALLER)) return undefined;
  try {
    const dir = execFileSync('bash', [INSTALLER, '--cached', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
    }).trim();
    return dir === '' ? undefined : dir;
  } catch {
    // Not installed (exit 1), another platform, or no bash.
    return undefined;
  }
}

function lookUp(): LambdaNode {
  const dir = installed([]);
  if (dir !== undefined && existsSync(join(dir, 'node'))) return { path: join(dir, 'node'), pinned: true };
  // The stack's own Node stands in.
  return { path: process.execPath, pinned: false };
}

/**
 * What a function's process needs on a Node other than the pinned one so that its output is what
 * Lambda's would be: the AWS SDK warns once per process on Node older than it will support
 * (NodeVersionSupportWarning), which Lambda's runtime never prints. The SDK's own switch turns off
 * that one warning and no other.
 */
export function fallbackEnvironment(node: LambdaNode): Readonly<Record<string, string>> {
  return node.pinned ? {} : { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}
