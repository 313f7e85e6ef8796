import { ROTATION_FUNCTION_NAMES, ROTATION_FUNCTIONS, STEPS } from './functionDefinitions.js';

/** `${name}`, a substitution of `Fn::Sub`. */
const variable = (name: string) => `\${${name}}`;

/**
 * The dashboard of template.yaml's RotationDashboard, as an `Fn::Sub` body: `<Logical>Function` is
 * each function's name, `<Logical>ErrorsAlarmArn` its alarm's ARN, `RotationFailureRule` the rule's
 * name and `MetricsNamespace` the functions' namespace; `AWS::Region` and `AWS::StackName` are left
 * to CloudFormation.
 */
export function dashboardBody(): string {
  const fn = (name: (typeof ROTATION_FUNCTION_NAMES)[number]) =>
    variable(`${ROTATION_FUNCTIONS[name].logicalName}Function`);
  const ns = variable('MetricsNamespace');
  const metric = (x: number, y: number, width: number, title: string, stat: string, metrics: unknown[]) => ({
    type: 'metric',
    x,
    y,
    width,
    height: 6,
    properties: {
      title,
      region: variable('AWS::Region'),
      view: 'timeSeries',
      stacked: false,
      period: 300,
      stat,
      metrics,
    },
  });
  const percentiles = (name: (typeof ROTATION_FUNCTION_NAMES)[number], x: number, y: number) =>
    metric(
      x,
      y,
      12,
      `Step duration, ${name} (successful steps, p50 and p95)`,
      'p95',
      STEPS.flatMap((step) =>
        ['p50', 'p95'].map((stat) => [
          ns,
          'StepDuration',
          'function',
          fn(name),
          'step',
          step,
          'outcome',
          'success',
          { stat, label: `${step} ${stat}` },
        ]),
      ),
    );
  const anyFunction = ROTATION_FUNCTION_NAMES.map((name) => `function="${fn(name)}"`).join(' OR ');
  const widgets = [
    {
      type: 'text',
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown: `## Secrets rotation: ${variable('AWS::StackName')}\nThe rotation functions' metrics (namespace \`${ns}\`; each metric and dimension is described in the suite's docs/observability.md), Secrets Manager's failed-rotation events and Lambda throttles.`,
      },
    },
    metric(
      0,
      2,
      8,
      'Rotations completed',
      'Sum',
      ROTATION_FUNCTION_NAMES.map((name) => [
        ns,
        'RotationsCompleted',
        'function',
        fn(name),
        { label: name },
      ]),
    ),
    metric(
      8,
      2,
      8,
      'Failed steps (failed rotation attempts)',
      'Sum',
      ROTATION_FUNCTION_NAMES.map((name) => [
        ns,
        'StepInvocations',
        'function',
        fn(name),
        'outcome',
        'failure',
        { label: name },
      ]),
    ),
    metric(
      16,
      2,
      8,
      'Rotation duration, createSecret to finishSecret (p50, p95)',
      'p95',
      ROTATION_FUNCTION_NAMES.flatMap((name) =>
        ['p50', 'p95'].map((stat) => [
          ns,
          'RotationDuration',
          'function',
          fn(name),
          { stat, label: `${name} ${stat}` },
        ]),
      ),
    ),
    percentiles('random-value', 0, 8),
    percentiles('api-token', 12, 8),
    percentiles('postgres-single-user', 0, 14),
    percentiles('postgres-alternating-users', 12, 14),
    metric(0, 20, 24, 'Failed steps by error class', 'Sum', [
      [
        {
          expression: `SEARCH('{${ns},errorClass,function,outcome,step} MetricName="StepInvocations" (${anyFunction})', 'Sum', 300)`,
          id: 'byClass',
          label: '',
          period: 300,
        },
      ],
    ]),
    metric(0, 26, 12, 'Throttles', 'Sum', [
      ...ROTATION_FUNCTION_NAMES.map((name) => [
        'AWS/Lambda',
        'Throttles',
        'FunctionName',
        fn(name),
        { label: `${name}: Lambda throttled` },
      ]),
      ...ROTATION_FUNCTION_NAMES.map((name) => [
        ns,
        'SecretsManagerThrottles',
        'function',
        fn(name),
        'outcome',
        'failure',
        { label: `${name}: steps failed by Secrets Manager throttling` },
      ]),
    ]),
    metric(12, 26, 12, 'RotationFailed and RotationAbandoned events paged', 'Sum', [
      [
        'AWS/Events',
        'Invocations',
        'RuleName',
        variable('RotationFailureRule'),
        { label: 'events sent to the alarm topic' },
      ],
      [
        'AWS/Events',
        'FailedInvocations',
        'RuleName',
        variable('RotationFailureRule'),
        { label: 'events the rule could not deliver' },
      ],
    ]),
    {
      type: 'alarm',
      x: 0,
      y: 32,
      width: 24,
      height: 3,
      properties: {
        title: 'Function errors alarms',
        alarms: ROTATION_FUNCTION_NAMES.map((name) =>
          variable(`${ROTATION_FUNCTIONS[name].logicalName}ErrorsAlarmArn`),
        ),
      },
    },
  ];
  return JSON.stringify({ widgets }, null, 2);
}
