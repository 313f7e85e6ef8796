import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RotationFunctionDefinition } from './functionDefinitions.js';

export interface FindingContext {
  /** The function runs in the user's VPC. */
  readonly inVpc: boolean;
  readonly rotatedSecretPattern: string;
}

/**
 * A cdk-nag AwsSolutions finding the construct accepts on purpose, and why. The construct records
 * each one with `Validations.of(resource).acknowledge()` on the resource it concerns, so an app that
 * runs `AwsSolutionsChecks` sees no unacknowledged finding from it; the deploy guide lists the same.
 */
export interface NagAcknowledgement {
  /** The rule, as cdk-nag names it: `AwsSolutions-IAM5`. */
  readonly rule: string;
  /** The finding within the rule (`Resource::…`, `Policy::…`), or none for the whole rule. */
  readonly finding: (context: FindingContext) => string | undefined;
  /** Which functions' resources it concerns (no function: the operator policy). */
  readonly applies: (definition: RotationFunctionDefinition | undefined, context: FindingContext) => boolean;
  readonly on: 'role' | 'function' | 'operator policy';
  readonly reason: string;
}

const ARN = 'arn:<AWS::Partition>';
const HERE = '<AWS::Region>:<AWS::AccountId>';

export const NAG_ACKNOWLEDGEMENTS: readonly NagAcknowledgement[] = [
  {
    rule: 'AwsSolutions-IAM4',
    finding: () => `Policy::${ARN}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
    applies: () => true,
    on: 'role',
    reason:
      'Lambda writes the function logs with it, as SAM grants it to template.yaml functions: ' +
      'CreateLogGroup, CreateLogStream and PutLogEvents, no access to any secret or key.',
  },
  {
    rule: 'AwsSolutions-IAM4',
    finding: () => `Policy::${ARN}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
    applies: (_definition, context) => context.inVpc,
    on: 'role',
    reason:
      'Lambda creates and deletes the network interfaces of a function in a VPC with it (ec2 actions ' +
      'IAM only grants on *), as SAM grants it to template.yaml functions in a VPC.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: (context) => `Resource::${ARN}:secretsmanager:${HERE}:secret:${context.rotatedSecretPattern}`,
    applies: (_definition, context) => context.rotatedSecretPattern.includes('*'),
    on: 'role',
    reason:
      'The secrets to rotate are named by the rotatedSecretPattern wildcard, but each statement on ' +
      'it also requires secretsmanager:resource/AllowRotationLambdaArn to be the function itself: ' +
      'only secrets that chose this function are reachable.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: () => `Resource::${ARN}:kms:${HERE}:key/*`,
    applies: () => true,
    on: 'role',
    reason:
      'Secrets may use any key, so keys are not named; every KMS statement requires kms:ViaService ' +
      'secretsmanager and a kms:EncryptionContext:SecretARN the function may read, so a shared key ' +
      'opens no other data.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: () => 'Resource::*',
    applies: (definition) => definition?.postgres === true,
    on: 'role',
    reason:
      'secretsmanager:GetRandomPassword acts on no resource and IAM only accepts * for it; it reads ' +
      'and writes no secret.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: () => `Resource::${ARN}:rds:${HERE}:db:*`,
    applies: (definition) => definition?.postgres === true,
    on: 'role',
    reason:
      'rds:DescribeDBInstances relates the host of a master secret to the rotated secret, for any ' +
      'database of the account; it is read-only and returns no credential.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: () => `Resource::${ARN}:rds:${HERE}:cluster:*`,
    applies: (definition) => definition?.postgres === true,
    on: 'role',
    reason:
      'rds:DescribeDBClusters relates the host of a master secret to the rotated secret, for any ' +
      'cluster of the account; it is read-only and returns no credential.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: (context) => `Resource::${ARN}:secretsmanager:${HERE}:secret:${context.rotatedSecretPattern}`,
    applies: (_definition, context) => context.rotatedSecretPattern.includes('*'),
    on: 'operator policy',
    reason:
      'Operators read and rotate every secret the functions rotate, named by the same ' +
      'rotatedSecretPattern (and RotationGroup tag, when set); the policy is attached to no one here.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: () => `Resource::${ARN}:kms:${HERE}:key/*`,
    applies: () => true,
    on: 'operator policy',
    reason:
      'Operators decrypt only through Secrets Manager (kms:ViaService) and only for a ' +
      'kms:EncryptionContext:SecretARN within rotatedSecretPattern, whichever key a secret uses.',
  },
  {
    rule: 'AwsSolutions-IAM5',
    finding: () => 'Resource::*',
    applies: () => true,
    on: 'operator policy',
    reason:
      'secretsmanager:ListSecrets acts on no resource and IAM only accepts * for it; it returns no value.',
  },
  {
    rule: 'AwsSolutions-L1',
    finding: () => undefined,
    applies: () => true,
    on: 'function',
    reason:
      'The bundles are built for and tested on Node 24 (esbuild target node24, the suite runs on the ' +
      'pinned Node 24), as template.yaml deploys them; a newer runtime is a tested upgrade, not a setting.',
  },
];

/** The id cdk-nag reports a finding under. */
export function nagRuleId(acknowledgement: NagAcknowledgement, context: FindingContext): string {
  const finding = acknowledgement.finding(context);
  return finding === undefined ? acknowledgement.rule : `${acknowledgement.rule}[${finding}]`;
}

export function acknowledgeFindings(
  on: NagAcknowledgement['on'],
  scope: IConstruct,
  definition: RotationFunctionDefinition | undefined,
  context: FindingContext,
): void {
  const rules = NAG_ACKNOWLEDGEMENTS.filter((a) => a.on === on && a.applies(definition, context)).map(
    (a) => ({ id: nagRuleId(a, context), reason: a.reason }),
  );
  if (rules.length > 0) Validations.of(scope).acknowledge(...rules);
}
