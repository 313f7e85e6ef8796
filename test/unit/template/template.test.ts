import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_MEMORY_MB } from '../../../local/lambda/lambdaNodeArgs.js';
import { samLogicalId, samMakefile } from '../../../scripts/samMakefile.js';
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

type Statement = {
  Sid?: string;
  Effect?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
/** A policy statement and the template Condition it depends on (`undefined`: always granted). */
type Grant = { statement: Statement; when: string | undefined };
type Fn = (typeof functions)[number][1];

const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const functions = ofType('AWS::Serverless::Function');
const nameOf = (fn: Fn) => /^dist\/([^/]+)\/$/.exec(String(fn.Properties['CodeUri'] ?? ''))?.[1] ?? '';
const ref = (name: string) => ({ Ref: name });
const NO_VALUE = ref('AWS::NoValue');

/** Unwraps `!If [Condition, statement, AWS::NoValue]`, the only conditional form the template uses. */
const grantsOf = (fn: Fn): Grant[] =>
  (fn.Properties['Policies'] as Array<{ Statement: unknown[] }>)
    .flatMap((p) => p.Statement)
    .map((entry) => {
      const conditional = (entry as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
      if (conditional === undefined) return { statement: entry as Statement, when: undefined };
      const [when, statement, otherwise] = conditional;
      if (JSON.stringify(otherwise) !== JSON.stringify(NO_VALUE)) {
        throw new Error(`conditional statement ${statement.Sid} grants something else when ${when} is false`);
      }
      return { statement, when };
    });
const statementsOf = (fn: Fn) => grantsOf(fn).map((g) => g.statement);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const variablesOf = (fn: Fn) =>
  (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;

const ROTATED_SECRETS = {
  'Fn::Sub':
    'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${RotatedSecretPattern}',
};
const ALL_KEYS = { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' };
const VIA_SECRETS_MANAGER = {
  'kms:ViaService': { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' },
};
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
/** The function's own ARN, from its fixed name (a !GetAtt would make the role depend on the function). */
const ownArn = (name: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${AWS::StackName}-${name}`,
});

/** The secrets a function reads besides those it rotates: always an explicit list, granted only when set. */
type OtherSecrets = {
  readonly parameter: string;
  readonly condition: string;
  readonly variable: string;
  readonly sid: string;
  readonly kmsSid: string;
  readonly actions: readonly string[];
};
const MASTER_SECRETS: OtherSecrets = {
  parameter: 'MasterSecretArns',
  condition: 'HasMasterSecretArns',
  variable: 'ALLOWED_MASTER_SECRET_ARNS',
  sid: 'ReadMasterSecrets',
  kmsSid: 'DecryptMasterSecretsThroughSecretsManager',
  // DescribeSecret: the tags of an RDS-managed master name its database.
  actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
};
const ADMIN_SECRETS: OtherSecrets = {
  parameter: 'AdminSecretArns',
  condition: 'HasAdminSecretArns',
  variable: 'ALLOWED_ADMIN_SECRET_ARNS',
  sid: 'ReadAdminSecrets',
  kmsSid: 'DecryptAdminSecretsThroughSecretsManager',
  // DescribeSecret: an admin secret this function rotates itself is refused.
  actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
};
/** One entry per functions/<name>: a new function fails the tests until it is listed here. */
const OTHER_SECRETS: Record<string, OtherSecrets | undefined> = {
  'random-value': undefined,
  'api-token': ADMIN_SECRETS,
  'postgres-single-user': MASTER_SECRETS,
  'postgres-alternating-users': MASTER_SECRETS,
};
const EXACT_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0f3c9a2b-AbC123';

describe('template.yaml', () => {
  it('deploys one function per functions/<name>, as npm run build made it in dist/<name>/, through the Makefile written there', () => {
    expect(functions.map(([, fn]) => nameOf(fn)).sort()).toEqual(functionDirs);
    for (const [logical, fn] of functions) {
      expect(fn.Metadata).toEqual({ BuildMethod: 'makefile' });
      expect(samLogicalId(nameOf(fn))).toBe(logical);
      expect(samMakefile(nameOf(fn))).toContain(`\nbuild-${logical}:\n\t`);
    }
  });

  it('gives the functions the memory the benchmark, the local stack and the code cache build start Node for', () => {
    expect(template.Globals?.Function['MemorySize']).toBe(FUNCTION_MEMORY_MB);
    for (const [logical, fn] of functions) {
      expect({ logical, memory: fn.Properties['MemorySize'] }).toEqual({ logical, memory: undefined });
    }
  });

  it('builds every function for the Node.js version of the Lambda runtime it deploys on', () => {
    const globalRuntime = template.Globals?.Function['Runtime'];
    for (const [logical, fn] of functions) {
      expect({ logical, runtime: fn.Properties['Runtime'] ?? globalRuntime }).toEqual({
        logical,
        runtime: globalRuntime,
      });
    }
    expect(buildOptions.Target).toBe(`node${/^nodejs(\d+)\.x$/.exec(String(globalRuntime))?.[1]}`);
  });

  it('runs on the current Node.js runtime, arm64, with source maps, the RDS CA bundle, a Powertools log level and metrics namespace', () => {
    const globals = template.Globals?.Function ?? {};
    expect(globals['Runtime']).toBe('nodejs24.x');
    expect(globals['Architectures']).toEqual(['arm64']);
    expect(globals['Handler']).toBe('index.handler');
    expect(globals['Environment']).toEqual({
      Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        POWERTOOLS_LOG_LEVEL: ref('LogLevel'),
        POWERTOOLS_METRICS_NAMESPACE: ref('MetricsNamespace'),
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
      expect(variablesOf(fn)['POWERTOOLS_SERVICE_NAME']).toEqual({
        'Fn::Sub': `\${ServiceNamePrefix}-${nameOf(fn)}`,
      });
    }
  });

  it('lets only Secrets Manager of this account, for the rotated secrets, invoke each function', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions).toHaveLength(functions.length);
    for (const [logical] of functions) {
      expect(permissions).toContainEqual({
        FunctionName: { 'Fn::GetAtt': [logical, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: ref('AWS::AccountId'),
        SourceArn: ROTATED_SECRETS,
      });
    }
  });

  it('lists every function once in the table of the secrets it reads besides its own', () => {
    expect(Object.keys(OTHER_SECRETS).sort()).toEqual(functionDirs);
  });

  it('grants no wildcard action, and "*" only for GetRandomPassword', () => {
    for (const [, fn] of functions) {
      for (const statement of statementsOf(fn)) {
        expect(statement.Effect).toBe('Allow');
        expect(actions(statement).filter((a) => a === '*' || a.includes(':*'))).toEqual([]);
        if (statement.Resource === '*') {
          expect(actions(statement)).toEqual(['secretsmanager:GetRandomPassword']);
        }
      }
    }
  });

  it("grants the rotation actions only on secrets whose rotation function is the function's own ARN", () => {
    for (const [, fn] of functions) {
      const name = nameOf(fn);
      // The ARN in the condition is only the function's own if the function really has that name.
      expect(fn.Properties['FunctionName']).toEqual({ 'Fn::Sub': `\${AWS::StackName}-${name}` });
      const rotating = grantsOf(fn).filter(
        ({ statement }) =>
          statement.Resource !== '*' && actions(statement).some((a) => ROTATION_ACTIONS.includes(a)),
      );
      const onRotated = rotating.filter(
        ({ statement }) => JSON.stringify(statement.Resource) === JSON.stringify(ROTATED_SECRETS),
      );
      expect(onRotated).toEqual([
        {
          when: undefined,
          statement: {
            Sid: 'RotateOwnSecrets',
            Effect: 'Allow',
            Action: ROTATION_ACTIONS,
            Resource: ROTATED_SECRETS,
            Condition: {
              StringEquals: {
                'secretsmanager:resource/AllowRotationLambdaArn': ownArn(name),
                'secretsmanager:ResourceTag/RotationGroup': {
                  'Fn::If': ['HasScopeTag', ref('ScopeTagValue'), NO_VALUE],
                },
              },
            },
          },
        },
      ]);
      // Writing is for rotated secrets only; anything else the function touches, it only reads.
      for (const other of rotating.filter((g) => !onRotated.includes(g))) {
        expect(
          actions(other.statement).filter(
            (a) => !['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].includes(a),
          ),
        ).toEqual([]);
      }
    }
  });

  it('reads master and admin secrets only by exact ARN, and not at all while the list is empty', () => {
    expect(template.Parameters['MasterSecretPattern']).toBeUndefined();
    expect(template.Parameters['AdminSecretPattern']).toBeUndefined();
    for (const other of [MASTER_SECRETS, ADMIN_SECRETS]) {
      const parameter = template.Parameters[other.parameter] ?? {};
      expect(parameter['Type']).toBe('CommaDelimitedList');
      expect(parameter['Default']).toBe('');
      // CloudFormation applies a CommaDelimitedList's AllowedPattern to each entry.
      const entry = new RegExp(String(parameter['AllowedPattern']));
      expect(['', EXACT_SECRET_ARN].filter((value) => !entry.test(value))).toEqual([]);
      expect(
        [
          'rds!*',
          'rds!db-0f3c9a2b-AbC123',
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!*',
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:/platform/*',
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:/platform/api-??????',
          'arn:aws:secretsmanager:*:123456789012:secret:x-AbC123',
        ].filter((value) => entry.test(value)),
      ).toEqual([]);
      expect(template.Conditions?.[other.condition]).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', ref(other.parameter)] }, ''] }],
      });
    }
    for (const [, fn] of functions) {
      const other = OTHER_SECRETS[nameOf(fn)];
      const grants = grantsOf(fn);
      const mentions = (parameter: string) =>
        grants.filter((g) => JSON.stringify(g.statement).includes(`"Ref":"${parameter}"`));
      for (const candidate of [MASTER_SECRETS, ADMIN_SECRETS]) {
        if (candidate !== other) expect(mentions(candidate.parameter)).toEqual([]);
      }
      for (const { statement } of grants) {
        expect(JSON.stringify(statement)).not.toContain('rds!');
        const secrets = actions(statement).some((a) => a.startsWith('secretsmanager:'));
        if (secrets && statement.Resource !== '*') {
          expect(JSON.stringify(statement.Resource)).not.toContain('*');
        }
      }
      if (other === undefined) continue;
      const read = mentions(other.parameter).filter((g) => g.statement.Sid === other.sid);
      expect(read).toEqual([
        {
          when: other.condition,
          statement: {
            Sid: other.sid,
            Effect: 'Allow',
            Action: other.actions,
            Resource: ref(other.parameter),
          },
        },
      ]);
      expect(mentions(other.parameter).every((g) => g.when === other.condition)).toBe(true);
    }
  });

  it('hands the code the same lists, and the api-token function its origins and settings', () => {
    for (const [, fn] of functions) {
      const name = nameOf(fn);
      const variables = variablesOf(fn);
      const other = OTHER_SECRETS[name];
      for (const candidate of [MASTER_SECRETS, ADMIN_SECRETS]) {
        expect(variables[candidate.variable]).toEqual(
          candidate === other ? { 'Fn::Join': [',', ref(candidate.parameter)] } : undefined,
        );
      }
      const isApiToken = name === 'api-token';
      expect(variables['TOKEN_PROVIDER_ALLOWED_ORIGINS']).toEqual(
        isApiToken ? ref('TokenProviderAllowedOrigins') : undefined,
      );
      expect(variables['TOKEN_PROVIDER_SETTINGS']).toEqual(
        isApiToken ? ref('TokenProviderSettings') : undefined,
      );
    }
    const origins = template.Parameters['TokenProviderAllowedOrigins'] ?? {};
    const settings = template.Parameters['TokenProviderSettings'] ?? {};
    expect([origins['Type'], origins['Default'], settings['Type'], settings['Default']]).toEqual([
      'String',
      '',
      'String',
      '',
    ]);
    const pattern = new RegExp(String(origins['AllowedPattern']));
    expect(
      ['', 'https://api.example.com', 'https://api.example.com,https://auth.example.com:8443'].filter(
        (value) => !pattern.test(value),
      ),
    ).toEqual([]);
    expect(
      [
        '*',
        'http://api.example.com',
        'https://api.example.com/v1',
        'https://*.example.com',
        'https://a.com,',
      ].filter((value) => pattern.test(value)),
    ).toEqual([]);
  });

  it('uses KMS keys only through Secrets Manager, and only for the secrets the function may read', () => {
    for (const [, fn] of functions) {
      const other = OTHER_SECRETS[nameOf(fn)];
      const kms = grantsOf(fn).filter((g) => actions(g.statement).some((a) => a.startsWith('kms:')));
      for (const { statement } of kms) {
        expect(statement.Resource).toEqual(ALL_KEYS);
        expect(statement.Condition?.['StringEquals']).toEqual(VIA_SECRETS_MANAGER);
        expect(Object.keys(statement.Condition?.['StringLike'] ?? {})).toEqual([
          'kms:EncryptionContext:SecretARN',
        ]);
      }
      const expected: Grant[] = [
        {
          when: undefined,
          statement: {
            Sid: 'UseKeysOnlyThroughSecretsManager',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: ALL_KEYS,
            Condition: {
              StringEquals: VIA_SECRETS_MANAGER,
              StringLike: { 'kms:EncryptionContext:SecretARN': ROTATED_SECRETS },
            },
          },
        },
        ...(other === undefined
          ? []
          : [
              {
                when: other.condition,
                statement: {
                  Sid: other.kmsSid,
                  Effect: 'Allow',
                  // Only read: nothing encrypts a master or admin secret for this function.
                  Action: 'kms:Decrypt',
                  Resource: ALL_KEYS,
                  Condition: {
                    StringEquals: VIA_SECRETS_MANAGER,
                    StringLike: { 'kms:EncryptionContext:SecretARN': ref(other.parameter) },
                  },
                },
              },
            ]),
      ];
      expect(kms).toEqual(expected);
    }
  });

  it('grants each function exactly what its rotation does', () => {
    for (const [, fn] of functions) {
      const name = nameOf(fn);
      const other = OTHER_SECRETS[name];
      const bySid = Object.fromEntries(statementsOf(fn).map((s) => [s.Sid, s]));
      const isPostgres = name.startsWith('postgres-');
      expect(Object.keys(bySid).sort()).toEqual(
        [
          'RotateOwnSecrets',
          'UseKeysOnlyThroughSecretsManager',
          ...(other === undefined ? [] : [other.sid, other.kmsSid]),
          ...(isPostgres ? ['GeneratePasswords', 'RelateDatabaseHosts'] : []),
        ].sort(),
      );
      expect(statementsOf(fn)).toHaveLength(Object.keys(bySid).length);
      if (isPostgres) {
        expect(actions(bySid['RelateDatabaseHosts'] as Statement)).toEqual([
          'rds:DescribeDBInstances',
          'rds:DescribeDBClusters',
        ]);
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

describe('the operator policy', () => {
  const policy = template.Resources['OperatorPolicy'];
  const statements = (
    (policy?.Properties['PolicyDocument'] ?? { Statement: [] }) as { Statement: Statement[] }
  ).Statement;
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
  /** Every secretsmanager: action the operator tool's source sends, by its SDK command name. */
  const usedByTheTool = () => {
    const dir = new URL('../../../cli/', import.meta.url);
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(new URL(file, dir), 'utf8'))
      .join('\n');
    const commands = [...sources.matchAll(/new (\w+)Command\(/g)].map((m) => m[1] ?? '');
    return [...new Set(commands.filter((c) => c !== 'Invoke'))].map((c) => `secretsmanager:${c}`).sort();
  };

  it('is a managed policy, exported for the operators’ role', () => {
    expect(policy?.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(template.Outputs?.['OperatorPolicyArn']?.['Value']).toEqual(ref('OperatorPolicy'));
    expect(Object.keys(bySid).sort()).toEqual([
      'DecryptSecretsThroughSecretsManager',
      'InvokeRotationFunctions',
      'ListSecrets',
      'ReadAndRotateSecrets',
    ]);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('lets operators invoke exactly the four rotation functions, nothing else', () => {
    expect(bySid['InvokeRotationFunctions']?.Action).toBe('lambda:InvokeFunction');
    expect(bySid['InvokeRotationFunctions']?.Resource).toEqual(
      functions.map(([logical]) => ({ 'Fn::GetAtt': [logical, 'Arn'] })),
    );
    expect(statements.flatMap(actions).filter((a) => a.startsWith('lambda:'))).toEqual([
      'lambda:InvokeFunction',
    ]);
  });

  it('grants exactly the Secrets Manager actions the tool sends, on the rotated secrets only', () => {
    const granted = statements.flatMap(actions).filter((a) => a.startsWith('secretsmanager:'));
    expect([...granted].sort()).toEqual(usedByTheTool());
    expect(bySid['ListSecrets']).toEqual({
      Sid: 'ListSecrets',
      Effect: 'Allow',
      Action: 'secretsmanager:ListSecrets',
      Resource: '*',
    });
    expect(bySid['ReadAndRotateSecrets']?.Resource).toEqual(ROTATED_SECRETS);
    expect(bySid['ReadAndRotateSecrets']?.Condition).toEqual({
      StringEquals: {
        'secretsmanager:ResourceTag/RotationGroup': {
          'Fn::If': ['HasScopeTag', ref('ScopeTagValue'), NO_VALUE],
        },
      },
    });
    // Writing a value, deleting, or changing policies is never the tool's business.
    expect(granted.filter((a) => /Put|Delete|Create|Policy|Restore|Tag/.test(a))).toEqual([]);
  });

  it('decrypts only through Secrets Manager, and only for the rotated secrets', () => {
    expect(bySid['DecryptSecretsThroughSecretsManager']).toEqual({
      Sid: 'DecryptSecretsThroughSecretsManager',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: ALL_KEYS,
      Condition: {
        StringEquals: VIA_SECRETS_MANAGER,
        StringLike: { 'kms:EncryptionContext:SecretARN': ROTATED_SECRETS },
      },
    });
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
  it("lets the rotation role use the key only through Secrets Manager, and only for this service's secret", () => {
    const [key] = byType('AWS::KMS::Key');
    const [secret] = byType('AWS::SecretsManager::Secret');
    const policy = key?.Properties['KeyPolicy'] as { Statement: Statement[] } | undefined;
    const forRotation = policy?.Statement.find((s) => s.Sid === 'RotationFunctionThroughSecretsManager');
    const name = (secret?.Properties['Name'] as { 'Fn::Sub': string } | undefined)?.['Fn::Sub'];
    expect(name).toBe('/services/${Service}/${Stage}');
    expect(forRotation?.Condition).toEqual({
      StringEquals: VIA_SECRETS_MANAGER,
      // Secrets Manager appends a dash and six characters to the name.
      StringLike: {
        'kms:EncryptionContext:SecretARN': {
          'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`,
        },
      },
    });
  });
});
