import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTemplate } from './readTemplate.js';

const template = readTemplate('template.yaml');
const example = readTemplate('examples/service-secret.yaml');
const buildOptions = JSON.parse(
  readFileSync(new URL('../../../functions/build-options.json', import.meta.url), 'utf8'),
);
const functionDirs = readdirSync(new URL('../../../functions', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const functions = ofType('AWS::Serverless::Function');
const entryOf = (fn: (typeof functions)[number][1]) =>
  ((fn.Metadata?.['BuildProperties'] ?? {}) as { EntryPoints?: string[] }).EntryPoints?.[0];
const nameOf = (fn: (typeof functions)[number][1]) =>
  /^functions\/([^/]+)\/index\.ts$/.exec(entryOf(fn) ?? '')?.[1];
const statementsOf = (fn: (typeof functions)[number][1]): Statement[] =>
  (fn.Properties['Policies'] as Array<{ Statement: Statement[] }>).flatMap((p) => p.Statement);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const ref = (name: string) => ({ Ref: name });

describe('template.yaml', () => {
  it('deploys one function per functions/<name>, built from the same entry point and esbuild options as npm run build', () => {
    expect(functions.map(([, fn]) => nameOf(fn)).sort()).toEqual(functionDirs);
    for (const [, fn] of functions) {
      const { EntryPoints, ...properties } = (fn.Metadata?.['BuildProperties'] ?? {}) as Record<
        string,
        unknown
      >;
      expect(fn.Metadata?.['BuildMethod']).toBe('esbuild');
      expect(properties).toEqual(buildOptions);
      expect(EntryPoints).toEqual([`functions/${nameOf(fn)}/index.ts`]);
    }
  });

  it('runs on the current Node.js runtime, arm64, with source maps, the RDS CA bundle and a Powertools log level', () => {
    const globals = template.Globals?.Function ?? {};
    expect(globals['Runtime']).toBe('nodejs24.x');
    expect(globals['Architectures']).toEqual(['arm64']);
    expect(globals['Handler']).toBe('index.handler');
    expect(globals['Environment']).toEqual({
      Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        POWERTOOLS_LOG_LEVEL: ref('LogLevel'),
      },
    });
    expect(globals['ReservedConcurrentExecutions']).toEqual(ref('ReservedConcurrency'));
    expect(template.Parameters['ReservedConcurrency']?.['Default']).toBeGreaterThanOrEqual(10);
    expect(globals['VpcConfig']).toEqual({
      'Fn::If': [
        'InVpc',
        { SubnetIds: ref('SubnetIds'), SecurityGroupIds: ref('SecurityGroupIds') },
        ref('AWS::NoValue'),
      ],
    });
    expect(template.Conditions?.['InVpc']).toBeDefined();
  });

  it('gives each function its own log group with the retention parameter, and a service name', () => {
    for (const [, fn] of functions) {
      const group = (fn.Properties['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.Resources[group]?.Type).toBe('AWS::Logs::LogGroup');
      expect(template.Resources[group]?.Properties['RetentionInDays']).toEqual(ref('LogRetentionInDays'));
      const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(variables['POWERTOOLS_SERVICE_NAME']).toEqual({
        'Fn::Sub': `\${ServiceNamePrefix}-${nameOf(fn)}`,
      });
    }
  });

  it('lets only Secrets Manager of this account invoke each function', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties);
    for (const [logical] of functions) {
      expect(permissions).toContainEqual({
        FunctionName: { 'Fn::GetAtt': [logical, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: ref('AWS::AccountId'),
      });
    }
  });

  it('scopes every secret action to named secrets, with "*" only for GetRandomPassword', () => {
    for (const [, fn] of functions) {
      for (const statement of statementsOf(fn)) {
        expect(actions(statement).every((a) => !a.endsWith(':*') && a !== '*')).toBe(true);
        const secretActions = actions(statement).filter((a) => a.startsWith('secretsmanager:'));
        if (secretActions.length === 0) continue;
        if (secretActions.includes('secretsmanager:GetRandomPassword')) {
          expect(secretActions).toEqual(['secretsmanager:GetRandomPassword']);
          continue;
        }
        expect(statement.Resource).not.toBe('*');
        expect(JSON.stringify(statement.Resource)).toMatch(
          /:secretsmanager:\$\{AWS::Region\}:\$\{AWS::AccountId\}:secret:\$\{\w+Pattern\}/,
        );
      }
    }
  });

  it('grants each function exactly what its rotation does', () => {
    const rotate = [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ];
    for (const [, fn] of functions) {
      const name = nameOf(fn) ?? '';
      const bySid = Object.fromEntries(statementsOf(fn).map((s) => [s.Sid, s]));
      expect(actions(bySid['RotateOwnSecrets'] as Statement).sort()).toEqual(rotate);
      expect(JSON.stringify(bySid['RotateOwnSecrets']?.Resource)).toContain('${RotatedSecretPattern}');
      expect(bySid['RotateOwnSecrets']?.Condition).toEqual({
        'Fn::If': [
          'HasScopeTag',
          { StringEquals: { 'secretsmanager:ResourceTag/RotationGroup': ref('ScopeTagValue') } },
          ref('AWS::NoValue'),
        ],
      });
      expect(bySid['UseKeysOnlyThroughSecretsManager']?.Condition).toEqual({
        StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' } },
      });
      const isPostgres = name.startsWith('postgres-');
      expect(Object.keys(bySid).sort()).toEqual(
        [
          'RotateOwnSecrets',
          'UseKeysOnlyThroughSecretsManager',
          ...(isPostgres ? ['ReadMasterSecrets', 'GeneratePasswords', 'RelateDatabaseHosts'] : []),
          ...(name === 'api-token' ? ['ReadAdminSecrets'] : []),
        ].sort(),
      );
      if (isPostgres) {
        expect(actions(bySid['RelateDatabaseHosts'] as Statement)).toEqual([
          'rds:DescribeDBInstances',
          'rds:DescribeDBClusters',
        ]);
        expect(actions(bySid['ReadMasterSecrets'] as Statement)).toEqual(['secretsmanager:GetSecretValue']);
      }
    }
  });

  it('pages on function errors and on failed or abandoned rotations', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const [logical] of functions) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          MetricName: 'Errors',
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: ref(logical) }],
          AlarmActions: [ref('AlarmTopicArn')],
        }),
      );
    }
    const [rule] = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rule?.['EventPattern']).toMatchObject({
      source: ['aws.secretsmanager'],
      detail: { eventName: ['RotationFailed', 'RotationAbandoned'] },
    });
    expect(rule?.['Targets']).toEqual([{ Id: 'page', Arn: ref('AlarmTopicArn') }]);
  });

  it('exports each function ARN for rotation schedules', () => {
    for (const [logical, fn] of functions) {
      const output = template.Outputs?.[`${logical.replace(/Function$/, '')}FunctionArn`];
      expect(output?.['Value']).toEqual({ 'Fn::GetAtt': [logical, 'Arn'] });
      expect(output?.['Export']).toEqual({ Name: { 'Fn::Sub': `\${AWS::StackName}-${nameOf(fn)}-arn` } });
    }
  });
});

describe('examples/service-secret.yaml', () => {
  const byType = (type: string) => Object.values(example.Resources).filter((r) => r.Type === type);

  it('encrypts /services/{service}/{stage} with a rotating customer-managed key aliased {service}-{stage}', () => {
    const [key] = byType('AWS::KMS::Key');
    const [alias] = byType('AWS::KMS::Alias');
    const [secret] = byType('AWS::SecretsManager::Secret');
    expect(key?.Properties['EnableKeyRotation']).toBe(true);
    expect(alias?.Properties['AliasName']).toEqual({ 'Fn::Sub': 'alias/${Service}-${Stage}' });
    expect(secret?.Properties['Name']).toEqual({ 'Fn::Sub': '/services/${Service}/${Stage}' });
    expect(secret?.Properties['KmsKeyId']).toEqual(ref('SecretKey'));
  });

  it('schedules rotation with the function the main stack exports', () => {
    const [schedule] = byType('AWS::SecretsManager::RotationSchedule');
    expect(schedule?.Properties['SecretId']).toEqual(ref('DatabaseSecret'));
    expect(schedule?.Properties['RotationLambdaARN']).toEqual({
      'Fn::ImportValue': { 'Fn::Sub': '${RotationStackName}-postgres-alternating-users-arn' },
    });
    expect(template.Outputs?.['PostgresAlternatingUsersFunctionArn']?.['Export']).toEqual({
      Name: { 'Fn::Sub': '${AWS::StackName}-postgres-alternating-users-arn' },
    });
  });
});
