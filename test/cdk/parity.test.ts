import {
  ROTATION_FUNCTION_NAMES,
  ROTATION_FUNCTIONS,
  type RotationFunctionName,
} from '@secrets-rotation/cdk';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../unit/template/readTemplate.js';
import { ADMIN_ARNS, MASTER_ARNS, rotationStack, TOPIC_ARN } from './stacks.js';

/**
 * template.yaml and the construct, function by function, in one vocabulary: every value becomes the
 * string CloudFormation would substitute, with template.yaml's parameter and resource names as
 * `${...}` placeholders. The construct is synthesized with values that map back to those names.
 */
const sam = readTemplate('template.yaml');
const STACK_NAME = 'ParityStack';

type Json = unknown;
type Scenario = { readonly lists: boolean };
const SCENARIOS: ReadonlyArray<[string, Scenario]> = [
  ['every list and option set', { lists: true }],
  ['every list empty', { lists: false }],
];

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** template.yaml's value with its conditions decided: `Fn::If` chosen, `AWS::NoValue` dropped. */
function decide(value: Json, conditions: Record<string, boolean>): Json {
  const noValue = (v: Json) => isObject(v) && v['Ref'] === 'AWS::NoValue';
  if (Array.isArray(value)) {
    return value.map((v) => decide(v, conditions)).filter((v) => !noValue(v));
  }
  if (!isObject(value)) return value;
  const choice = value['Fn::If'] as [string, Json, Json] | undefined;
  if (choice !== undefined) {
    const [name, yes, no] = choice;
    if (!(name in conditions)) throw new Error(`unknown condition ${name}`);
    return decide(conditions[name] === true ? yes : no, conditions);
  }
  return Object.fromEntries(
    Object.entries(value)
      .map(([k, v]) => [k, decide(v, conditions)] as const)
      .filter(([, v]) => !noValue(v)),
  );
}

/** An intrinsic as the string it stands for, references as `${Name}` with `names` renaming them. */
function text(value: Json, names: (id: string) => string, parameters: Record<string, string>): Json {
  const ref = (id: string) => (id in parameters ? (parameters[id] ?? '') : `\${${names(id)}}`);
  if (Array.isArray(value)) return value.map((v) => text(v, names, parameters));
  if (!isObject(value)) return value;
  if (typeof value['Ref'] === 'string') return ref(value['Ref']);
  if ('Fn::GetAtt' in value) {
    const [id, attribute] = value['Fn::GetAtt'] as [string, string];
    return `\${${names(id)}.${attribute}}`;
  }
  if ('Fn::Sub' in value) {
    const sub = value['Fn::Sub'];
    const body = typeof sub === 'string' ? sub : (sub as [string, Json])[0];
    return body.replace(/\$\{([^}]+)\}/g, (_all, name: string) =>
      name.startsWith('AWS::') ? `\${${name}}` : (ref(name) as string),
    );
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, Json];
    const joined = text(parts, names, parameters);
    return Array.isArray(joined) ? joined.join(separator) : joined;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v, names, parameters)]));
}

/** What template.yaml's parameters stand for in the synthesized stack, to map its literals back. */
function literals(scenario: Scenario): Array<[Json, string]> {
  return [
    [TOPIC_ARN, `\${AlarmTopicArn}`],
    [10, `\${ReservedConcurrency}`],
    [90, `\${LogRetentionInDays}`],
    ['INFO', `\${LogLevel}`],
    ['SecretsRotation', `\${MetricsNamespace}`],
    ...(scenario.lists
      ? ([
          [MASTER_ARNS, `\${MasterSecretArns}`],
          [MASTER_ARNS.join(','), `\${MasterSecretArns}`],
          [ADMIN_ARNS, `\${AdminSecretArns}`],
          [ADMIN_ARNS.join(','), `\${AdminSecretArns}`],
          ['payments', `\${ScopeTagValue}`],
          ['https://api.example.com,https://auth.example.com:8443', `\${TokenProviderAllowedOrigins}`],
          ['{"provider":"example"}', `\${TokenProviderSettings}`],
        ] as Array<[Json, string]>)
      : []),
  ];
}

/** Maps the synthesized stack's literals to template.yaml's placeholders. */
function placeholders(value: Json, scenario: Scenario): Json {
  for (const [literal, placeholder] of literals(scenario)) {
    if (JSON.stringify(value) === JSON.stringify(literal)) return placeholder;
  }
  if (typeof value === 'string') {
    return value
      .replaceAll(`${STACK_NAME}-`, `\${AWS::StackName}-`)
      .replaceAll(':secret:/services/*', `:secret:\${RotatedSecretPattern}`)
      .replaceAll('secrets-rotation-', `\${ServiceNamePrefix}-`);
  }
  if (Array.isArray(value)) return value.map((v) => placeholders(v, scenario));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, placeholders(v, scenario)]));
  }
  return value;
}

type Statement = { Sid: string; Effect: string; Action: Json; Resource: Json; Condition?: Json };
const asList = (value: Json) => (Array.isArray(value) ? value : [value]);
const sortedStatements = (statements: Statement[]) =>
  statements
    .map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      Action: [...(asList(s.Action) as string[])].sort(),
      Resource: asList(s.Resource),
      // An operator whose every key was dropped with AWS::NoValue constrains nothing.
      Condition: Object.fromEntries(
        Object.entries((s.Condition ?? {}) as Record<string, Record<string, Json>>).filter(
          ([, keys]) => Object.keys(keys).length > 0,
        ),
      ),
    }))
    .sort((a, b) => a.Sid.localeCompare(b.Sid));

function build(scenario: Scenario) {
  const { stack, rotation } = rotationStack({ lists: scenario.lists, stackName: STACK_NAME });
  const synthesized = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, Json>; DeletionPolicy?: string }>;
  };
  // The synthesized logical IDs, by template.yaml's names.
  const ids = new Map<string, string>();
  const name = (construct: IConstruct, as: string) =>
    ids.set(Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement), as);
  for (const fnName of ROTATION_FUNCTION_NAMES) {
    const { logicalName } = ROTATION_FUNCTIONS[fnName];
    const f = rotation.functions[fnName];
    name(f.function, `${logicalName}Function`);
    name(f.role, `${logicalName}FunctionRole`);
    name(f.logGroup, `${logicalName}LogGroup`);
    name(f.errorsAlarm, `${logicalName}ErrorsAlarm`);
    ids.set(Stack.of(f.invokePermission).getLogicalId(f.invokePermission), `${logicalName}InvokePermission`);
  }
  name(rotation.failureRule, 'RotationFailureRule');
  name(rotation.operatorPolicy, 'OperatorPolicy');
  ids.set(stack.getLogicalId(rotation.dashboard), 'RotationDashboard');
  const byName = new Map([...ids].map(([id, as]) => [as, id]));
  const cdk = (resourceName: string) => {
    const resource = synthesized.Resources[byName.get(resourceName) ?? ''];
    if (resource === undefined) throw new Error(`the construct has no ${resourceName}`);
    return {
      ...resource,
      Properties: placeholders(
        text(resource.Properties, (id) => ids.get(id) ?? id, {}),
        scenario,
      ) as Record<string, Json>,
    };
  };
  const conditions = {
    InVpc: false,
    HasScopeTag: scenario.lists,
    HasMasterSecretArns: scenario.lists,
    HasAdminSecretArns: scenario.lists,
  };
  const emptyLists: Record<string, string> = scenario.lists
    ? {}
    : {
        MasterSecretArns: '',
        AdminSecretArns: '',
        TokenProviderAllowedOrigins: '',
        TokenProviderSettings: '',
      };
  const template = (resourceName: string) => {
    const resource = sam.Resources[resourceName];
    if (resource === undefined) throw new Error(`template.yaml has no ${resourceName}`);
    return {
      ...resource,
      Properties: text(decide(resource.Properties, conditions), (id) => id, emptyLists) as Record<
        string,
        Json
      >,
    };
  };
  const globals = text(decide(sam.Globals?.Function ?? {}, conditions), (id) => id, emptyLists) as Record<
    string,
    Json
  >;
  /** The dashboard's substitutions, as template.yaml's names of what each one references. */
  const dashboardVariables = () => {
    const raw = synthesized.Resources[byName.get('RotationDashboard') ?? '']?.Properties['DashboardBody'] as {
      'Fn::Sub': [string, Record<string, Json>];
    };
    return text(raw['Fn::Sub'][1], (id) => ids.get(id) ?? id, {});
  };
  return { cdk, template, globals, dashboardVariables };
}

describe.each(SCENARIOS)('the construct deploys what template.yaml does, with %s', (_title, scenario) => {
  const { cdk, template, globals, dashboardVariables } = build(scenario);

  describe.each(ROTATION_FUNCTION_NAMES)('%s', (fnName: RotationFunctionName) => {
    const { logicalName } = ROTATION_FUNCTIONS[fnName];

    it('has the same runtime, architecture, handler, memory, timeout, concurrency and logging', () => {
      const mine = cdk(`${logicalName}Function`).Properties;
      const theirs = { ...globals, ...template(`${logicalName}Function`).Properties };
      for (const key of [
        'Runtime',
        'Architectures',
        'Handler',
        'MemorySize',
        'Timeout',
        'ReservedConcurrentExecutions',
        'FunctionName',
        'Description',
      ]) {
        expect({ [key]: mine[key] }).toEqual({ [key]: theirs[key] });
      }
      expect(mine['LoggingConfig']).toEqual(theirs['LoggingConfig']);
    });

    it('has the same environment variables', () => {
      const mine = (cdk(`${logicalName}Function`).Properties['Environment'] as { Variables: Json }).Variables;
      const theirs = {
        ...(globals['Environment'] as { Variables: Record<string, Json> }).Variables,
        ...(
          template(`${logicalName}Function`).Properties['Environment'] as { Variables: Record<string, Json> }
        ).Variables,
      };
      expect(mine).toEqual(theirs);
    });

    it('grants the same statements: actions, resources and conditions', () => {
      const mine = (
        cdk(`${logicalName}FunctionRole`).Properties['Policies'] as Array<{
          PolicyDocument: { Statement: Statement[] };
        }>
      ).flatMap((p) => p.PolicyDocument.Statement);
      const theirs = (
        template(`${logicalName}Function`).Properties['Policies'] as Array<{
          Statement: Statement[];
        }>
      ).flatMap((p) => p.Statement);
      expect(sortedStatements(mine)).toEqual(sortedStatements(theirs));
      expect(mine.length).toBeGreaterThanOrEqual(2);
    });

    it('has the same log group, invoke permission and errors alarm', () => {
      const logGroup = cdk(`${logicalName}LogGroup`);
      expect(logGroup.Properties).toEqual(template(`${logicalName}LogGroup`).Properties);
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(cdk(`${logicalName}InvokePermission`).Properties).toEqual(
        template(`${logicalName}InvokePermission`).Properties,
      );
      const alarm = cdk(`${logicalName}ErrorsAlarm`).Properties;
      const theirs = template(`${logicalName}ErrorsAlarm`).Properties;
      expect(alarm).toEqual(theirs);
    });
  });

  it('has the same failure rule', () => {
    const mine = cdk('RotationFailureRule').Properties;
    const theirs = template('RotationFailureRule').Properties;
    expect(mine['EventPattern']).toEqual(theirs['EventPattern']);
    expect(mine['Description']).toEqual(theirs['Description']);
    expect((mine['Targets'] as Array<{ Arn: Json }>).map((t) => t.Arn)).toEqual(
      (theirs['Targets'] as Array<{ Arn: Json }>).map((t) => t.Arn),
    );
  });

  it('has the same operator policy', () => {
    const mine = cdk('OperatorPolicy').Properties;
    const theirs = template('OperatorPolicy').Properties;
    const statements = (properties: Record<string, Json>) =>
      sortedStatements((properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
    expect(statements(mine)).toEqual(statements(theirs));
    expect(mine['Description']).toEqual(theirs['Description']);
  });

  it('has the same dashboard, widget by widget', () => {
    const mine = cdk('RotationDashboard').Properties;
    const theirs = template('RotationDashboard').Properties;
    const widgets = (body: Json) =>
      (JSON.parse((body as string).replace(/\$\{(\w+)\.Arn\}/g, `$\${$1Arn}`)) as { widgets: Json[] })
        .widgets;
    const mineWidgets = widgets(mine['DashboardBody']);
    const theirWidgets = widgets(theirs['DashboardBody']);
    expect(mineWidgets).toHaveLength(theirWidgets.length);
    for (const [i, widget] of theirWidgets.entries()) expect(mineWidgets[i]).toEqual(widget);
    expect(mine['DashboardName']).toEqual(theirs['DashboardName']);
    // Each substitution references the resource template.yaml's placeholder of that name does.
    const expected: Record<string, string> = {
      MetricsNamespace: 'SecretsRotation',
      RotationFailureRule: `\${RotationFailureRule}`,
    };
    for (const fnName of ROTATION_FUNCTION_NAMES) {
      const { logicalName } = ROTATION_FUNCTIONS[fnName];
      expected[`${logicalName}Function`] = `\${${logicalName}Function}`;
      expected[`${logicalName}ErrorsAlarmArn`] = `\${${logicalName}ErrorsAlarm.Arn}`;
    }
    expect(dashboardVariables()).toEqual(expected);
  });
});
