import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalFunction, localFunctions } from '../../packages/cdk/src/localFunctions.js';

/** The rotation functions of a synthesized CDK stack, laid out for the local Lambda runtime. */
export interface CdkFunctions {
  /** The suite's own functions under their own names, and the stack's under their deployed names. */
  readonly functionsDir: string;
  readonly deployed: readonly LocalFunction[];
  /** The deployed environment of a function of the stack; `undefined` for any other function. */
  environment(functionName: string): Readonly<Record<string, string>> | undefined;
  close(): void;
}

/** Thrown for an assembly or stack the local stack cannot run; the message says what to do. */
export class CdkAssemblyError extends Error {
  override readonly name = 'CdkAssemblyError';
}

/**
 * Makes the functions a CDK app deploys runnable on the local stack: each runs the asset `cdk synth`
 * wrote (exactly the deployed code) under its deployed name, with its deployed environment, beside
 * the suite's own functions from `builtDir` (so the demos still run).
 */
export function cdkFunctions(assemblyDir: string, stackName: string, builtDir: string): CdkFunctions {
  let deployed: LocalFunction[];
  try {
    deployed = localFunctions(assemblyDir, stackName);
  } catch (error) {
    throw new CdkAssemblyError(
      `--cdk-out ${assemblyDir} --cdk-stack ${stackName}: ${(error as Error).message}`,
    );
  }
  if (deployed.length === 0) {
    throw new CdkAssemblyError(
      `--cdk-stack ${stackName} in ${assemblyDir} deploys no rotation function of this suite (RotationFunctions)`,
    );
  }
  const functionsDir = mkdtempSync(join(tmpdir(), 'cdk-functions-'));
  if (existsSync(builtDir)) {
    for (const name of readdirSync(builtDir)) symlinkSync(join(builtDir, name), join(functionsDir, name));
  }
  for (const fn of deployed) symlinkSync(fn.codeDirectory, join(functionsDir, fn.functionName));
  const byName = new Map(deployed.map((fn) => [fn.functionName, fn.environment]));
  return {
    functionsDir,
    deployed,
    environment: (functionName) => byName.get(functionName),
    close: () => rmSync(functionsDir, { recursive: true, force: true }),
  };
}
