import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROTATION_FUNCTION_NAMES, type RotationFunctionName } from './functionDefinitions.js';

/** A rotation function as a synthesized stack deploys it, for the suite's local stack to run. */
export interface LocalFunction {
  readonly name: RotationFunctionName;
  /** The deployed name: the local stack runs it as `arn:aws:lambda:<region>:<account>:function:<functionName>`. */
  readonly functionName: string;
  /** The asset directory in the cloud assembly: exactly the code that is deployed. */
  readonly codeDirectory: string;
  /** The function's environment variables, exactly as deployed. */
  readonly environment: Readonly<Record<string, string>>;
}

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };

/**
 * Reads the rotation functions out of a synthesized stack (`cdk synth`'s output directory and the
 * stack's artifact id, its name unless set otherwise), so the local stack can run the same code with
 * the same environment. Needs the asset metadata the CDK CLI writes by default
 * (`aws:cdk:enable-asset-metadata`), and environment values known at synth: a value CloudFormation
 * would resolve (an ARN of a secret created in the same stack) has no local meaning and is refused.
 */
export function localFunctions(assemblyDirectory: string, stackArtifactId: string): LocalFunction[] {
  const templateFile = join(assemblyDirectory, `${stackArtifactId}.template.json`);
  if (!existsSync(templateFile)) throw new Error(`no ${templateFile}: synthesize the app first`);
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources?: Record<string, Resource> };
  const found: LocalFunction[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const functionName = resource.Properties?.['FunctionName'];
    const name = ROTATION_FUNCTION_NAMES.find(
      (n) => typeof functionName === 'string' && functionName.endsWith(`-${n}`),
    );
    if (name === undefined || typeof functionName !== 'string') continue;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') {
      throw new Error(
        `${id} (${functionName}) has no aws:asset:path metadata: synthesize with asset metadata on`,
      );
    }
    const variables =
      (resource.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {};
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(variables)) {
      if (typeof value !== 'string') {
        throw new Error(
          `${functionName}: ${key} is only known once deployed (${JSON.stringify(value)}); locally, give the ` +
            'construct values known at synth (Secret.fromSecretCompleteArn for allow-listed secrets)',
        );
      }
      environment[key] = value;
    }
    found.push({ name, functionName, codeDirectory: join(assemblyDirectory, assetPath), environment });
  }
  return found;
}
