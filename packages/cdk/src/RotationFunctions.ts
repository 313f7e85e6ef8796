import {
  ArnFormat,
  Aspects,
  Aws,
  Duration,
  Fn,
  type IAspect,
  RemovalPolicy,
  Stack,
  Token,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { bundleDirectory } from './bundles.js';
import { dashboardBody } from './dashboardBody.js';
import {
  ALLOW_LIST_VARIABLES,
  ROTATION_FUNCTION_NAMES,
  ROTATION_FUNCTIONS,
  type RotationFunctionDefinition,
  type RotationFunctionName,
} from './functionDefinitions.js';
import { acknowledgeFindings } from './nagAcknowledgements.js';
import { matchesSecretPattern } from './secretPattern.js';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The settings of template.yaml's parameters, with the same defaults. */
export interface RotationFunctionsProps {
  /**
   * Pages someone on failed or abandoned rotations and on function errors (template.yaml's
   * `AlarmTopicArn`). A topic imported from elsewhere must already let `events.amazonaws.com` and
   * `cloudwatch.amazonaws.com` publish; one defined in the same app gets that policy here.
   */
  readonly alarmTopic: sns.ITopic;
  /**
   * Secret names the functions may rotate: an IAM wildcard matched against the name part of the
   * secret ARN (`RotatedSecretPattern`).
   * @default '/services/*'
   */
  readonly rotatedSecretPattern?: string;
  /**
   * When set, the functions only rotate secrets that also carry the tag `RotationGroup` with this
   * value (`ScopeTagValue`).
   * @default - no tag required
   */
  readonly scopeTagValue?: string;
  /**
   * The master secrets the Postgres functions may use, each with its complete ARN (suffix
   * included). Their roles may read exactly these, and the code refuses any other `masterarn`
   * (`ALLOWED_MASTER_SECRET_ARNS`). Empty: no master secret at all.
   * @default []
   */
  readonly masterSecrets?: readonly secretsmanager.ISecret[];
  /**
   * The admin secrets the api-token function may use to issue and revoke tokens, each with its
   * complete ARN (`ALLOWED_ADMIN_SECRET_ARNS`). Empty: tokens rotate with their own credential.
   * @default []
   */
  readonly adminSecrets?: readonly secretsmanager.ISecret[];
  /**
   * `https://` origins the api-token function may send tokens to (`TOKEN_PROVIDER_ALLOWED_ORIGINS`).
   * @default [] - only `tokenProviderSettings` are used, and a secret's own settings are refused
   */
  readonly tokenProviderAllowedOrigins?: readonly string[];
  /**
   * Provider settings for the api-token function (`TOKEN_PROVIDER_SETTINGS`); they win over a
   * secret's own settings. An object is written as JSON.
   * @default - none
   */
  readonly tokenProviderSettings?: string | Readonly<Record<string, unknown>>;
  /**
   * Concurrent executions per function, so a fleet-wide rotation cannot exhaust a database.
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /** @default logs.RetentionDays.THREE_MONTHS (90 days) */
  readonly logRetention?: logs.RetentionDays;
  /** Powertools log level (`POWERTOOLS_LOG_LEVEL`). @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** Each function logs as `<prefix>-<function>` (`POWERTOOLS_SERVICE_NAME`). @default 'secrets-rotation' */
  readonly serviceNamePrefix?: string;
  /** CloudWatch namespace of the functions' metrics, which the dashboard reads. @default 'SecretsRotation' */
  readonly metricsNamespace?: string;
  /**
   * Each function is named `<prefix>-<function>` and its log group `/aws/lambda/<prefix>-<function>`,
   * as template.yaml names them after the stack. Two of these constructs in one account and Region
   * need different prefixes.
   * @default - the stack's name
   */
  readonly functionNamePrefix?: string;
  /**
   * The VPC the Postgres functions run in, to reach databases that are not public. They then need
   * a route to Secrets Manager (an interface endpoint or a NAT) and to the RDS API for the host check.
   * @default - outside any VPC
   */
  readonly vpc?: ec2.IVpc;
  /** @default - the VPC's private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** @default - one new security group per Postgres function, all outbound traffic allowed */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

/** What every rotation schedule may set, as `secret.addRotationSchedule` takes it. */
export interface RotationOptions {
  /** @default Duration.days(30) */
  readonly automaticallyAfter?: Duration;
  /** @default true */
  readonly rotateImmediatelyOnUpdate?: boolean;
}

export interface ApiTokenRotationOptions extends RotationOptions {
  /** The admin secret the rotated secret's `adminSecretArn` names; it must be in `adminSecrets`. */
  readonly adminSecret?: secretsmanager.ISecret;
}

/** How a Postgres function reaches its database: through its security group, or over the internet. */
export interface PostgresNetworkOptions {
  /**
   * The database (an RDS instance or cluster, or any `IConnectable`): its security group is opened
   * to the function's on `port`. Needs `vpc` on the construct.
   * @default - none; then `databaseReachableWithoutVpc` must be true
   */
  readonly database?: ec2.IConnectable;
  /** @default - the database's default port */
  readonly port?: ec2.Port;
  /**
   * The database accepts connections from outside any VPC (publicly reachable), so no security
   * group is opened. Stated on purpose, because most databases are not.
   * @default false
   */
  readonly databaseReachableWithoutVpc?: boolean;
}

export interface PostgresSingleUserRotationOptions extends RotationOptions, PostgresNetworkOptions {
  /** The master secret the rotated secret's `masterarn` names, if any; it must be in `masterSecrets`. */
  readonly masterSecret?: secretsmanager.ISecret;
}

export interface PostgresAlternatingUsersRotationOptions extends RotationOptions, PostgresNetworkOptions {
  /**
   * The master secret that creates the second login (the rotated secret's `masterarn`); it must be
   * in `masterSecrets`.
   */
  readonly masterSecret: secretsmanager.ISecret;
}

const PATTERNS = {
  rotatedSecretPattern: /^[A-Za-z0-9/_+=.@!*-]+$/,
  serviceNamePrefix: /^[a-z0-9-]{1,40}$/,
  metricsNamespace: /^[A-Za-z0-9_/.#:-]{1,255}$/,
  origin: /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/,
  completeSecretArn:
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+-[A-Za-z0-9]{6}$/,
} as const;

/** The rotation functions, each as one function of template.yaml with everything around it. */
export interface RotationFunction {
  readonly definition: RotationFunctionDefinition;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly invokePermission: lambda.CfnPermission;
}

/**
 * The suite's four rotation functions, deployed as template.yaml deploys them: the bundles shipped
 * in this package, `nodejs24.x` on arm64, least-privilege roles, `SourceArn` invoke permissions,
 * an errors alarm each, the failed-rotation rule and the dashboard. Its methods return the options
 * `secret.addRotationSchedule` takes, as `HostedRotation` is passed there.
 *
 * @example
 * const rotation = new RotationFunctions(this, 'Rotation', { alarmTopic, vpc });
 * secret.addRotationSchedule('Rotation', rotation.postgresSingleUser({ database: instance }));
 */
export class RotationFunctions extends Construct {
  readonly functions: Readonly<Record<RotationFunctionName, RotationFunction>>;
  readonly failureRule: events.Rule;
  readonly dashboard: cloudwatch.CfnDashboard;
  /**
   * What the suite's operator tool (`secrets-rotation`) needs: attach it to the operators' role.
   * Not attached to anything here.
   */
  readonly operatorPolicy: iam.ManagedPolicy;
  /** The name part of the ARNs of the secrets the functions may rotate. */
  readonly rotatedSecretPattern: string;
  private readonly masterSecrets: readonly secretsmanager.ISecret[];
  private readonly adminSecrets: readonly secretsmanager.ISecret[];
  private readonly vpc: ec2.IVpc | undefined;

  constructor(scope: Construct, id: string, props: RotationFunctionsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.rotatedSecretPattern = props.rotatedSecretPattern ?? '/services/*';
    this.masterSecrets = props.masterSecrets ?? [];
    this.adminSecrets = props.adminSecrets ?? [];
    this.vpc = props.vpc;
    const prefix = props.functionNamePrefix ?? stack.stackName;
    const serviceNamePrefix = props.serviceNamePrefix ?? 'secrets-rotation';
    const metricsNamespace = props.metricsNamespace ?? 'SecretsRotation';
    const reservedConcurrency = props.reservedConcurrency ?? 10;
    const origins = props.tokenProviderAllowedOrigins ?? [];
    const scopeTag = props.scopeTagValue === '' ? undefined : props.scopeTagValue;
    this.check(
      PATTERNS.rotatedSecretPattern.test(this.rotatedSecretPattern),
      `rotatedSecretPattern ${JSON.stringify(this.rotatedSecretPattern)} may only hold A-Z a-z 0-9 / _ + = . @ ! * -`,
    );
    this.check(
      PATTERNS.serviceNamePrefix.test(serviceNamePrefix),
      `serviceNamePrefix must match ${PATTERNS.serviceNamePrefix}`,
    );
    this.check(
      PATTERNS.metricsNamespace.test(metricsNamespace),
      `metricsNamespace must match ${PATTERNS.metricsNamespace}`,
    );
    this.check(
      Number.isInteger(reservedConcurrency) && reservedConcurrency >= 1 && reservedConcurrency <= 1000,
      `reservedConcurrency must be a whole number from 1 to 1000, got ${reservedConcurrency}`,
    );
    for (const origin of origins) {
      this.check(
        PATTERNS.origin.test(origin),
        `tokenProviderAllowedOrigins: ${JSON.stringify(origin)} is not an https:// origin (scheme, host and optional port, no path)`,
      );
    }
    this.check(
      !Token.isUnresolved(prefix) && `${prefix}-postgres-alternating-users`.length <= 64,
      `functionNamePrefix ${JSON.stringify(prefix)} must be a plain string of at most 37 characters (Lambda names hold 64)`,
    );
    this.checkCompleteArns('masterSecrets', this.masterSecrets);
    this.checkCompleteArns('adminSecrets', this.adminSecrets);
    this.check(
      props.vpc !== undefined || (props.vpcSubnets === undefined && props.securityGroups === undefined),
      'vpcSubnets and securityGroups need vpc',
    );

    const rotatedSecrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: this.rotatedSecretPattern,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const allKeys = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    const viaSecretsManager = { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` };
    const arnList = (secrets: readonly secretsmanager.ISecret[]) =>
      secrets.map((secret) => secret.secretFullArn ?? secret.secretArn);
    const tokenSettings =
      props.tokenProviderSettings === undefined || typeof props.tokenProviderSettings === 'string'
        ? (props.tokenProviderSettings ?? '')
        : JSON.stringify(props.tokenProviderSettings);

    const build = (definition: RotationFunctionDefinition): RotationFunction => {
      const { name, logicalName } = definition;
      const functionName = `${prefix}-${name}`;
      const ownArn = stack.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: functionName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      const statements = [
        new iam.PolicyStatement({
          sid: 'RotateOwnSecrets',
          actions: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          resources: [rotatedSecrets],
          conditions: {
            StringEquals: {
              // Only secrets whose rotation function is this one. The ARN is built from the fixed
              // function name: the function's own ARN attribute would make the role depend on it.
              'secretsmanager:resource/AllowRotationLambdaArn': ownArn,
              ...(scopeTag === undefined ? {} : { 'secretsmanager:ResourceTag/RotationGroup': scopeTag }),
            },
          },
        }),
        new iam.PolicyStatement({
          sid: 'UseKeysOnlyThroughSecretsManager',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [allKeys],
          conditions: {
            StringEquals: viaSecretsManager,
            StringLike: { 'kms:EncryptionContext:SecretARN': rotatedSecrets },
          },
        }),
      ];
      const others =
        definition.reads === 'master'
          ? this.masterSecrets
          : definition.reads === 'admin'
            ? this.adminSecrets
            : [];
      // No statement at all while a list is empty: the functions then use no other secret.
      if (definition.reads !== undefined && others.length > 0) {
        const kind = definition.reads === 'master' ? 'Master' : 'Admin';
        statements.push(
          new iam.PolicyStatement({
            sid: `Read${kind}Secrets`,
            // DescribeSecret: the functions refuse a master or admin secret that they rotate themselves.
            actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            resources: arnList(others),
          }),
          new iam.PolicyStatement({
            sid: `Decrypt${kind}SecretsThroughSecretsManager`,
            actions: ['kms:Decrypt'],
            resources: [allKeys],
            conditions: {
              StringEquals: viaSecretsManager,
              StringLike: { 'kms:EncryptionContext:SecretARN': arnList(others) },
            },
          }),
        );
      }
      if (definition.postgres) {
        statements.push(
          new iam.PolicyStatement({
            sid: 'GeneratePasswords',
            // GetRandomPassword acts on no resource: IAM only accepts '*' for it.
            actions: ['secretsmanager:GetRandomPassword'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'RelateDatabaseHosts',
            actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
            resources: [
              stack.formatArn({
                service: 'rds',
                resource: 'db',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
              stack.formatArn({
                service: 'rds',
                resource: 'cluster',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
      }
      const inVpc = definition.postgres && props.vpc !== undefined;
      const role = new iam.Role(this, `${logicalName}FunctionRole`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        // The managed policies SAM gives template.yaml's functions: writing their logs and, in a VPC,
        // their network interfaces.
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
          ...(inVpc
            ? [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')]
            : []),
        ],
        inlinePolicies: { rotation: new iam.PolicyDocument({ statements }) },
      });
      const findingContext = { inVpc, rotatedSecretPattern: this.rotatedSecretPattern };
      acknowledgeFindings('role', role, definition, findingContext);

      const logGroup = new logs.LogGroup(this, `${logicalName}LogGroup`, {
        logGroupName: `/aws/lambda/${functionName}`,
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const environment: Record<string, string> = {
        NODE_OPTIONS: '--enable-source-maps',
        // The RDS certificate authorities, for verified TLS to the database.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        POWERTOOLS_SERVICE_NAME: `${serviceNamePrefix}-${name}`,
      };
      // Always set, empty when the list is: the code reads empty as "none", never as "any".
      if (definition.reads !== undefined) {
        environment[ALLOW_LIST_VARIABLES[definition.reads]] =
          others.length === 0 ? '' : Fn.join(',', arnList(others));
      }
      if (name === 'api-token') {
        environment['TOKEN_PROVIDER_ALLOWED_ORIGINS'] = origins.join(',');
        environment['TOKEN_PROVIDER_SETTINGS'] = tokenSettings;
      }
      const fn = new lambda.Function(this, `${logicalName}Function`, {
        functionName,
        description: definition.description,
        code: lambda.Code.fromAsset(bundleDirectory(name)),
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        // Measured with the suite's benchmark: peak RSS under 140 MB, steps well under a second;
        // 256 MB buys CPU for TLS and SCRAM, 30 s leaves room for a slow database or API plus retries.
        memorySize: 256,
        timeout: Duration.seconds(30),
        reservedConcurrentExecutions: reservedConcurrency,
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.TEXT,
        environment,
        ...(inVpc && props.vpc !== undefined
          ? {
              vpc: props.vpc,
              ...(props.vpcSubnets === undefined ? {} : { vpcSubnets: props.vpcSubnets }),
              ...(props.securityGroups === undefined ? {} : { securityGroups: [...props.securityGroups] }),
            }
          : {}),
      });
      acknowledgeFindings('function', fn, definition, findingContext);
      const invokePermission = new lambda.CfnPermission(this, `${logicalName}InvokePermission`, {
        functionName: fn.functionArn,
        action: 'lambda:InvokeFunction',
        principal: 'secretsmanager.amazonaws.com',
        sourceAccount: Aws.ACCOUNT_ID,
        sourceArn: rotatedSecrets,
      });
      const errorsAlarm = new cloudwatch.Alarm(this, `${logicalName}ErrorsAlarm`, {
        alarmDescription: `The ${name} rotation function failed; see ${logGroup.logGroupName}.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      errorsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
      return { definition, function: fn, role, logGroup, errorsAlarm, invokePermission };
    };

    this.functions = Object.fromEntries(
      ROTATION_FUNCTION_NAMES.map((name) => [name, build(ROTATION_FUNCTIONS[name])]),
    ) as Record<RotationFunctionName, RotationFunction>;

    this.failureRule = new events.Rule(this, 'RotationFailureRule', {
      description: 'Pages on Secrets Manager rotations that failed or were abandoned.',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed', 'RotationAbandoned'],
        },
      },
      targets: [new eventsTargets.SnsTopic(props.alarmTopic)],
    });

    const variables: Record<string, string> = {
      MetricsNamespace: metricsNamespace,
      RotationFailureRule: this.failureRule.ruleName,
    };
    for (const name of ROTATION_FUNCTION_NAMES) {
      const { logicalName } = ROTATION_FUNCTIONS[name];
      variables[`${logicalName}Function`] = this.functions[name].function.functionName;
      variables[`${logicalName}ErrorsAlarmArn`] = this.functions[name].errorsAlarm.alarmArn;
    }
    this.dashboard = new cloudwatch.CfnDashboard(this, 'RotationDashboard', {
      // Dashboards are global to the account: the Region keeps one deployment per Region apart.
      dashboardName: `${prefix}-${Aws.REGION}-rotations`,
      dashboardBody: Fn.sub(dashboardBody(), variables),
    });

    this.operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      description:
        'What the secrets-rotation operator tool needs (status, list, verify, rotate, cancel): reading ' +
        'and rotating the rotated secrets, and invoking their rotation functions, which rotate uses to ' +
        "resume a stuck rotation as Secrets Manager would. Attach it to the operators' role.",
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadAndRotateSecrets',
          actions: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:ListSecretVersionIds',
            'secretsmanager:RotateSecret',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          resources: [rotatedSecrets],
          ...(scopeTag === undefined
            ? {}
            : { conditions: { StringEquals: { 'secretsmanager:ResourceTag/RotationGroup': scopeTag } } }),
        }),
        new iam.PolicyStatement({
          sid: 'ListSecrets',
          // ListSecrets acts on no resource: IAM only accepts '*' for it.
          actions: ['secretsmanager:ListSecrets'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DecryptSecretsThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: [allKeys],
          conditions: {
            StringEquals: viaSecretsManager,
            StringLike: { 'kms:EncryptionContext:SecretARN': rotatedSecrets },
          },
        }),
        new iam.PolicyStatement({
          sid: 'InvokeRotationFunctions',
          // RotateSecret needs it too: the caller must be allowed to invoke the rotation function.
          actions: ['lambda:InvokeFunction'],
          resources: Object.values(this.functions).map((f) => f.function.functionArn),
        }),
      ],
    });
    acknowledgeFindings('operator policy', this.operatorPolicy, undefined, {
      inVpc: false,
      rotatedSecretPattern: this.rotatedSecretPattern,
    });

    // A schedule rotates as soon as it is created, which needs the invoke permission in place.
    const functions = Object.values(this.functions);
    const dependOnPermission: IAspect = {
      visit: (node: IConstruct) => {
        if (!(node instanceof secretsmanager.CfnRotationSchedule) || Stack.of(node) !== stack) return;
        const arn = JSON.stringify(stack.resolve(node.rotationLambdaArn));
        const target = functions.find((f) => JSON.stringify(stack.resolve(f.function.functionArn)) === arn);
        if (target === undefined) return;
        node.addResourceDependency(target.invokePermission);
        this.checkRotatedSecretName(node, target);
      },
    };
    Aspects.of(stack).add(dependOnPermission);
  }

  /** Rotates random values that only applications read (signing keys, shared secrets). */
  randomValue(options: RotationOptions = {}): secretsmanager.RotationScheduleOptions {
    return this.schedule('random-value', options);
  }

  /** Rotates an API token through its provider, with the secret's own credential or an admin secret. */
  apiToken(options: ApiTokenRotationOptions = {}): secretsmanager.RotationScheduleOptions {
    if (options.adminSecret !== undefined) {
      this.checkAllowed('adminSecret', 'adminSecrets', options.adminSecret, this.adminSecrets);
    }
    return this.schedule('api-token', options);
  }

  /** Rotates a Postgres password in place; replaces `HostedRotation.postgreSqlSingleUser()`. */
  postgresSingleUser(options: PostgresSingleUserRotationOptions): secretsmanager.RotationScheduleOptions {
    if (options.masterSecret !== undefined) {
      this.checkAllowed('masterSecret', 'masterSecrets', options.masterSecret, this.masterSecrets);
    }
    this.connect('postgres-single-user', options);
    return this.schedule('postgres-single-user', options);
  }

  /**
   * Rotates Postgres credentials by alternating two logins; replaces
   * `HostedRotation.postgreSqlMultiUser({ masterSecret })`.
   */
  postgresAlternatingUsers(
    options: PostgresAlternatingUsersRotationOptions,
  ): secretsmanager.RotationScheduleOptions {
    // A JavaScript caller gets no compile error: the function would fail at its first rotation.
    this.check(
      (options as Partial<PostgresAlternatingUsersRotationOptions>).masterSecret !== undefined,
      'postgresAlternatingUsers needs masterSecret: the master secret creates and updates the second login',
    );
    this.checkAllowed('masterSecret', 'masterSecrets', options.masterSecret, this.masterSecrets);
    this.connect('postgres-alternating-users', options);
    return this.schedule('postgres-alternating-users', options);
  }

  private schedule(
    name: RotationFunctionName,
    options: RotationOptions,
  ): secretsmanager.RotationScheduleOptions {
    const target = this.functions[name];
    const id = `${ROTATION_FUNCTIONS[name].logicalName}Schedule`;
    // The function as a schedule sees it: without a role or permissions of its own, so the schedule
    // adds no statement or invoke permission beside the construct's narrower ones.
    const rotationLambda =
      (this.node.tryFindChild(id) as lambda.IFunction | undefined) ??
      lambda.Function.fromFunctionAttributes(this, id, {
        functionArn: target.function.functionArn,
        sameEnvironment: true,
        skipPermissions: true,
      });
    return {
      rotationLambda,
      automaticallyAfter: options.automaticallyAfter ?? Duration.days(30),
      ...(options.rotateImmediatelyOnUpdate === undefined
        ? {}
        : { rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate }),
    };
  }

  private connect(name: RotationFunctionName, options: PostgresNetworkOptions): void {
    const fn = this.functions[name].function;
    if (options.database === undefined) {
      this.check(
        options.databaseReachableWithoutVpc === true,
        `${name} needs network access to its database: pass database (its security group is opened to the function) ` +
          'or, for a publicly reachable database, databaseReachableWithoutVpc: true',
      );
      return;
    }
    const databaseName = describe(options.database);
    this.check(
      this.vpc !== undefined,
      `${name} runs outside any VPC, so it cannot reach the database ${databaseName}: give RotationFunctions the database's vpc`,
    );
    const groups = options.database.connections.securityGroups;
    this.check(
      groups.length > 0,
      `${name} cannot be let into the database ${databaseName}: it has no security group to open`,
    );
    const port = options.port ?? options.database.connections.defaultPort;
    this.check(
      port !== undefined,
      `${name} cannot be let into the database ${databaseName}: it has no default port; pass port`,
    );
    if (port !== undefined) options.database.connections.allowFrom(fn, port, `${name} rotation function`);
  }

  /** A secret named outside the pattern would fail at its first rotation with AccessDenied. */
  private checkRotatedSecretName(
    schedule: secretsmanager.CfnRotationSchedule,
    target: RotationFunction,
  ): void {
    const stack = Stack.of(this);
    const ref = stack.resolve(schedule.secretId) as { Ref?: unknown };
    if (typeof ref.Ref !== 'string') return;
    const secret = stack.node
      .findAll()
      .find(
        (c): c is secretsmanager.CfnSecret =>
          c instanceof secretsmanager.CfnSecret && stack.getLogicalId(c) === ref.Ref,
      );
    const name = secret?.name;
    if (secret === undefined || name === undefined || Token.isUnresolved(name)) return;
    this.check(
      matchesSecretPattern(name, this.rotatedSecretPattern),
      `the secret ${name} (${secret.node.path}) is outside rotatedSecretPattern ` +
        `${JSON.stringify(this.rotatedSecretPattern)}: ${target.definition.name} could not rotate it`,
    );
  }

  private checkCompleteArns(prop: string, secrets: readonly secretsmanager.ISecret[]): void {
    for (const secret of secrets) {
      const arn = secret.secretFullArn;
      this.check(
        arn !== undefined,
        `${prop}: ${secret.node.path} has no complete ARN (import it with Secret.fromSecretCompleteArn): ` +
          'the allow-list matches exact ARNs, suffix included',
      );
      if (arn !== undefined && !Token.isUnresolved(arn)) {
        this.check(
          PATTERNS.completeSecretArn.test(arn),
          `${prop}: ${JSON.stringify(arn)} is not a complete secret ARN (no wildcards, six-character suffix)`,
        );
      }
    }
  }

  private checkAllowed(
    option: string,
    prop: string,
    secret: secretsmanager.ISecret,
    allowed: readonly secretsmanager.ISecret[],
  ): void {
    const stack = Stack.of(this);
    const key = (s: secretsmanager.ISecret) => JSON.stringify(stack.resolve(s.secretFullArn ?? s.secretArn));
    this.check(
      allowed.some((s) => s === secret || key(s) === key(secret)),
      `${option} ${secret.node.path} is not in the construct's ${prop}: the function would refuse it at the ` +
        `first rotation; add it to ${prop}`,
    );
  }

  private check(condition: boolean, message: string): asserts condition {
    if (!condition) throw new Error(`${this.node.path}: ${message}`);
  }
}

function describe(database: ec2.IConnectable): string {
  const node = (database as Partial<IConstruct>).node;
  return node === undefined ? 'given' : node.path;
}
