import { RotationFunctions, type RotationFunctionsProps } from '@secrets-rotation/cdk';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';

export const MASTER_ARNS = [
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf',
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:/platform/postgres/master-GhIjKl',
];
export const ADMIN_ARNS = ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:/platform/api/admin-MnOpQr'];
export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:pager';

export interface TestStack {
  readonly app: App;
  readonly stack: Stack;
  readonly rotation: RotationFunctions;
  readonly masters: secretsmanager.ISecret[];
  readonly admins: secretsmanager.ISecret[];
}

/** An environment-agnostic stack holding the construct, as a CDK app without an AWS account has. */
export function rotationStack(
  options: {
    readonly lists?: boolean;
    readonly vpc?: boolean;
    readonly props?: Partial<RotationFunctionsProps>;
    readonly stackName?: string;
  } = {},
): TestStack {
  const app = new App();
  const stack = new Stack(app, options.stackName ?? 'Rotation');
  const secret = (arn: string, i: number) =>
    secretsmanager.Secret.fromSecretCompleteArn(stack, `Other${i}`, arn);
  const masters = options.lists === true ? MASTER_ARNS.map((arn, i) => secret(arn, i)) : [];
  const admins = options.lists === true ? ADMIN_ARNS.map((arn, i) => secret(arn, 10 + i)) : [];
  const vpc =
    options.vpc === true
      ? (new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, flowLogs: { all: {} } }) as ec2.IVpc)
      : undefined;
  const rotation = new RotationFunctions(stack, 'Rotation', {
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Pager', TOPIC_ARN),
    masterSecrets: masters,
    adminSecrets: admins,
    ...(options.lists === true
      ? {
          scopeTagValue: 'payments',
          tokenProviderAllowedOrigins: ['https://api.example.com', 'https://auth.example.com:8443'],
          tokenProviderSettings: '{"provider":"example"}',
        }
      : {}),
    ...(vpc === undefined ? {} : { vpc }),
    ...options.props,
  });
  return { app, stack, rotation, masters, admins };
}
