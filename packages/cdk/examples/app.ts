import { RotationFunctions, ServiceSecret } from '@secrets-rotation/cdk';
import { App, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';

const app = new App();
// Synth fails on any AwsSolutions finding that is not acknowledged with its reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

// No env: an environment-agnostic stack synthesizes without an AWS account.
const stack = new Stack(app, 'SecretsRotation');
const alarmTopic = sns.Topic.fromTopicArn(
  stack,
  'Pager',
  stack.formatArn({ service: 'sns', resource: 'pager', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
);
// Typed as the interface: under exactOptionalPropertyTypes the class's optional fields do not match it.
const vpc: ec2.IVpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  flowLogs: { all: {} },
}) as ec2.IVpc;
const master = secretsmanager.Secret.fromSecretCompleteArn(
  stack,
  'Master',
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf',
);
const databaseGroup = new ec2.SecurityGroup(stack, 'DatabaseGroup', {
  vpc,
  description: 'The orders database',
  allowAllOutbound: false,
});
const database = new ec2.Connections({ securityGroups: [databaseGroup], defaultPort: ec2.Port.tcp(5432) });

const rotation = new RotationFunctions(stack, 'Rotation', { alarmTopic, vpc, masterSecrets: [master] });

/** A Postgres login's secret: connection details plus a generated password. */
const login = (
  username: string,
  extra: Record<string, string> = {},
): secretsmanager.SecretStringGenerator => ({
  secretStringTemplate: JSON.stringify({
    engine: 'postgres',
    host: 'orders.abc.eu-west-1.rds.amazonaws.com',
    port: 5432,
    dbname: 'orders',
    username,
    ...extra,
  }),
  generateStringKey: 'password',
  passwordLength: 32,
  excludeCharacters: ' "\'`/\\@:?#[]%&+=;,',
});

// Each line replaces a HostedRotation: `{ hostedRotation: HostedRotation.postgreSqlSingleUser() }`.
const signing = new ServiceSecret(stack, 'Signing', { service: 'signing', stage: 'prod', rotation });
signing.secret.addRotationSchedule('Rotation', rotation.randomValue());
const orders = new ServiceSecret(stack, 'Orders', {
  service: 'orders',
  stage: 'prod',
  rotation,
  generateSecretString: login('orders'),
});
orders.secret.addRotationSchedule('Rotation', rotation.postgresSingleUser({ database }));
const reports = new ServiceSecret(stack, 'Reports', {
  service: 'reports',
  stage: 'prod',
  rotation,
  generateSecretString: login('reports', { masterarn: master.secretArn }),
});
reports.secret.addRotationSchedule(
  'Rotation',
  rotation.postgresAlternatingUsers({ masterSecret: master, database }),
);
