import { type RotationFunctionName, type RotationFunctions, ServiceSecret } from '@secrets-rotation/cdk';
import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { rotationStack } from './stacks.js';

const logicalId = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);

function database(stack: Stack): ec2.IConnectable {
  return new ec2.Connections({
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DatabaseGroup', 'sg-0123456789abcdef0')],
    defaultPort: ec2.Port.tcp(5432),
  });
}

/** What every helper's schedule must be: the function itself, after its invoke permission, nothing added. */
function expectScheduleOn(
  template: Template,
  rotation: RotationFunctions,
  name: RotationFunctionName,
  secret: IConstruct,
) {
  const target = rotation.functions[name];
  const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
  const [schedule, ...others] = Object.values(schedules) as Array<{
    Properties: Record<string, unknown>;
    DependsOn?: string[];
  }>;
  expect(others).toEqual([]);
  expect(schedule?.Properties).toEqual({
    SecretId: { Ref: logicalId(secret) },
    RotationLambdaARN: { 'Fn::GetAtt': [logicalId(target.function), 'Arn'] },
    RotationRules: { ScheduleExpression: 'rate(30 days)' },
  });
  // The schedule rotates at once: the permission must exist first.
  expect(schedule?.DependsOn).toContain(logicalId(target.invokePermission));
  // The schedule grants nothing of its own: only the construct's four permissions, each with SourceArn,
  // and no policy beside the roles' own inline ones.
  const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as Array<{
    Properties: Record<string, unknown>;
  }>;
  expect(permissions).toHaveLength(4);
  for (const p of permissions) expect(p.Properties['SourceArn']).toBeDefined();
  const roles = Object.values(rotation.functions).map((f) => logicalId(f.role));
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
    Properties: { Roles: Array<{ Ref: string }> };
  }>;
  expect(policies.filter((p) => p.Properties.Roles.some((r) => roles.includes(r.Ref)))).toEqual([]);
}

describe('randomValue', () => {
  it('rotates the secret with the random-value function every 30 days', () => {
    const { stack, rotation } = rotationStack();
    const secret = new secretsmanager.Secret(stack, 'Signing', { secretName: '/services/orders/signing' });
    secret.addRotationSchedule('Rotation', rotation.randomValue());
    expectScheduleOn(Template.fromStack(stack), rotation, 'random-value', secret);
  });

  it('takes the schedule options HostedRotation takes', () => {
    const { stack, rotation } = rotationStack();
    const secret = new secretsmanager.Secret(stack, 'Signing', { secretName: '/services/orders/signing' });
    secret.addRotationSchedule(
      'Rotation',
      rotation.randomValue({ automaticallyAfter: Duration.days(7), rotateImmediatelyOnUpdate: false }),
    );
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });
});

describe('apiToken', () => {
  it('rotates the secret with the api-token function, with an allowed admin secret', () => {
    const { stack, rotation, admins } = rotationStack({ lists: true });
    const secret = new secretsmanager.Secret(stack, 'Token', { secretName: '/services/orders/token' });
    secret.addRotationSchedule(
      'Rotation',
      rotation.apiToken({ adminSecret: admins[0] as secretsmanager.ISecret }),
    );
    const template = Template.fromStack(stack);
    expectScheduleOn(template, rotation, 'api-token', secret);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Sid: 'ReadAdminSecrets',
                Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
              }),
            ]),
          },
        },
      ],
    });
  });
});

describe('postgresSingleUser', () => {
  it('rotates with the single-user function, run in the VPC and let into the database', () => {
    const { stack, rotation } = rotationStack({ vpc: true });
    const secret = new secretsmanager.Secret(stack, 'Login', { secretName: '/services/orders/prod' });
    secret.addRotationSchedule('Rotation', rotation.postgresSingleUser({ database: database(stack) }));
    const template = Template.fromStack(stack);
    expectScheduleOn(template, rotation, 'postgres-single-user', secret);
    const fn = rotation.functions['postgres-single-user'].function;
    const group = fn.connections.securityGroups[0] as ec2.ISecurityGroup;
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(group), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'Rotation-postgres-single-user',
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(group), 'GroupId'] }] },
    });
    // Only the Postgres functions run in the VPC.
    const random = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'Rotation-random-value' },
    });
    expect(Object.values(random)[0]).not.toHaveProperty('Properties.VpcConfig');
  });

  it('rotates a publicly reachable database without a VPC when told so', () => {
    const { stack, rotation } = rotationStack();
    const secret = new secretsmanager.Secret(stack, 'Login', { secretName: '/services/orders/prod' });
    secret.addRotationSchedule(
      'Rotation',
      rotation.postgresSingleUser({ databaseReachableWithoutVpc: true }),
    );
    const template = Template.fromStack(stack);
    expectScheduleOn(template, rotation, 'postgres-single-user', secret);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('postgresAlternatingUsers', () => {
  it('rotates with the alternating-users function, its master secret allowed', () => {
    const { stack, rotation, masters } = rotationStack({ lists: true, vpc: true });
    const secret = new secretsmanager.Secret(stack, 'Login', { secretName: '/services/orders/prod' });
    secret.addRotationSchedule(
      'Rotation',
      rotation.postgresAlternatingUsers({
        masterSecret: masters[0] as secretsmanager.ISecret,
        database: database(stack),
      }),
    );
    const template = Template.fromStack(stack);
    expectScheduleOn(template, rotation, 'postgres-alternating-users', secret);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'Rotation-postgres-alternating-users',
      Environment: {
        Variables: Match.objectLike({
          ALLOWED_MASTER_SECRET_ARNS: Match.stringLikeRegexp('rds!db-1234-AbCdEf'),
        }),
      },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });
});

describe('ServiceSecret', () => {
  it('lays out /services/{service}/{stage} with its own key, alias {service}-{stage}', () => {
    const { stack, rotation } = rotationStack();
    const orders = new ServiceSecret(stack, 'Orders', { service: 'orders', stage: 'prod', rotation });
    orders.secret.addRotationSchedule(
      'Rotation',
      rotation.postgresSingleUser({ databaseReachableWithoutVpc: true }),
    );
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: 'Encrypts /services/orders/prod',
    });
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/orders-prod',
      TargetKeyId: { 'Fn::GetAtt': [logicalId(orders.key), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: '/services/orders/prod',
      KmsKeyId: { 'Fn::GetAtt': [logicalId(orders.key), 'Arn'] },
      Tags: Match.arrayWith([
        { Key: 'service', Value: 'orders' },
        { Key: 'stage', Value: 'prod' },
      ]),
    });
    expectScheduleOn(template, rotation, 'postgres-single-user', orders.secret);
  });
});
