import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createRotationMetrics } from '../../../shared/metrics/createRotationMetrics.js';
import { DEFAULT_METRICS_NAMESPACE, METRICS, STEP_VALUES } from '../../../shared/metrics/metricNames.js';
import { ROTATION_STEPS } from '../../../shared/rotation/RotationEvent.js';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';
import { captureOutput } from '../../support/captureOutput.js';
import { emfRecords, emittedMetrics } from '../../support/emfRecords.js';
import { readTemplate } from './readTemplate.js';

const template = readTemplate('template.yaml');
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type).map(([logical]) => logical);

const STACK = 'teststack';
const REGION = 'eu-west-1';
const NAMESPACE = String(template.Parameters['MetricsNamespace']?.['Default']);

/** What a `${...}` of the template's Fn::Sub stands for once deployed, as a stand-in value. */
function resolve(name: string): string {
  if (name === 'AWS::Region') return REGION;
  if (name === 'AWS::StackName') return STACK;
  const parameter = template.Parameters[name];
  if (parameter !== undefined) return String(parameter['Default']);
  const [logical, attribute] = name.split('.');
  const resource = template.Resources[logical ?? ''];
  if (resource === undefined) throw new Error(`\${${name}} names nothing in the template`);
  if (attribute === 'Arn') return `arn:aws:${resource.Type}:${REGION}:123456789012:${logical}`;
  if (attribute !== undefined) throw new Error(`\${${name}}: unexpected attribute`);
  if (resource.Type === 'AWS::Serverless::Function') {
    return subst((resource.Properties['FunctionName'] as { 'Fn::Sub': string })['Fn::Sub']);
  }
  return `${STACK}-${logical}-ABC123`;
}
const subst = (text: string) => text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => resolve(name));

const dashboards = ofType('AWS::CloudWatch::Dashboard');
const dashboard = template.Resources[dashboards[0] ?? ''];
const bodySub = dashboard?.Properties['DashboardBody'] as { 'Fn::Sub'?: string } | undefined;
const body = JSON.parse(subst(bodySub?.['Fn::Sub'] ?? '{"widgets":[]}')) as { widgets: Widget[] };

type MetricRow = Array<string | Record<string, unknown>>;
interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly region?: string;
    readonly stat?: string;
    readonly metrics?: MetricRow[];
    readonly alarms?: string[];
  };
}

const functionNames = ofType('AWS::Serverless::Function').map(resolve);
const metricWidgets = body.widgets.filter((w) => w.type === 'metric');
/** A row's namespace, metric name, dimensions and options; `undefined` for an expression row. */
const parseRow = (row: MetricRow) => {
  const strings = row.filter((part): part is string => typeof part === 'string');
  const options = (row.find((part) => typeof part === 'object') ?? {}) as Record<string, unknown>;
  if (strings.length === 0) return undefined;
  const [namespace, name, ...pairs] = strings;
  const dimensions: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] ?? ''] = pairs[i + 1] ?? '';
  return { namespace, name, dimensions, options };
};
const rows = metricWidgets.flatMap((w) =>
  (w.properties.metrics ?? []).flatMap((row) => {
    const parsed = parseRow(row);
    return parsed === undefined
      ? []
      : [{ ...parsed, stat: String(parsed.options['stat'] ?? w.properties.stat) }];
  }),
);
const expressions = metricWidgets.flatMap((w) =>
  (w.properties.metrics ?? []).flatMap((row) =>
    row.flatMap((part) =>
      typeof part === 'object' && typeof part['expression'] === 'string' ? [part['expression']] : [],
    ),
  ),
);

/** Every (metric, dimensions) the code writes for these functions: each step succeeding and failing. */
function emittedByTheCode() {
  const captured = captureOutput();
  try {
    for (const functionName of functionNames) {
      const metrics = createRotationMetrics({
        namespace: NAMESPACE,
        functionName,
        serviceName: 'dashboard-test',
        logger: new Logger({ serviceName: 'dashboard-test' }),
      });
      for (const step of ROTATION_STEPS) {
        const succeeded = metrics.startInvocation();
        succeeded.recordStepSucceeded(step, 12);
        if (step === 'finishSecret') succeeded.recordRotationCompleted('token', { startedAt: new Date() });
        succeeded.flush();
        const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
        const failed = metrics.startInvocation();
        failed.recordStepFailed(step, 34, new SecretsManagerCallError('DescribeSecret', 'app/db', throttled));
        failed.flush();
      }
    }
  } finally {
    captured.stop();
  }
  return emittedMetrics(emfRecords(captured.text()));
}
const emitted = emittedByTheCode();
const key = (name: string, dimensions: Record<string, string>) =>
  `${name} ${JSON.stringify(Object.entries(dimensions).sort())}`;
const emittedKeys = new Set(emitted.map((m) => key(m.name, m.dimensions)));

describe('the dashboard in template.yaml', () => {
  it('is one dashboard per stack and Region, and the outputs name it and link to it', () => {
    expect(dashboards).toHaveLength(1);
    expect(dashboard?.Properties['DashboardName']).toEqual({
      'Fn::Sub': '${AWS::StackName}-${AWS::Region}-rotations',
    });
    expect(template.Outputs?.['DashboardName']?.['Value']).toEqual({ Ref: dashboards[0] });
    expect(JSON.stringify(template.Outputs?.['DashboardUrl']?.['Value'])).toContain(`\${${dashboards[0]}}`);
  });

  it("reads the functions' namespace, which the functions are given and which defaults to the code's", () => {
    expect(NAMESPACE).toBe(DEFAULT_METRICS_NAMESPACE);
    const environment = template.Globals?.Function['Environment'] as
      | { Variables: Record<string, unknown> }
      | undefined;
    expect(environment?.Variables['POWERTOOLS_METRICS_NAMESPACE']).toEqual({ Ref: 'MetricsNamespace' });
  });

  it("shows every metric of the functions' namespace under a metric and dimensions the code writes", () => {
    const ours = rows.filter((row) => row.namespace === NAMESPACE);
    expect(ours.length).toBeGreaterThan(0);
    for (const row of ours) {
      expect(emittedKeys, `${row.name} ${JSON.stringify(row.dimensions)}`).toContain(
        key(row.name ?? '', row.dimensions),
      );
    }
    expect(rows.every((row) => [NAMESPACE, 'AWS/Lambda', 'AWS/Events'].includes(row.namespace ?? ''))).toBe(
      true,
    );
    expect(metricWidgets.every((w) => w.properties.region === REGION)).toBe(true);
  });

  it('shows rotations completed and failed steps per function', () => {
    for (const name of [METRICS.RotationsCompleted.name, METRICS.StepInvocations.name]) {
      const shown = rows.filter((row) => row.name === name).map((row) => row.dimensions['function']);
      expect(new Set(shown), name).toEqual(new Set(functionNames));
    }
    const failures = rows.filter((row) => row.name === METRICS.StepInvocations.name);
    expect(failures.every((row) => row.dimensions['outcome'] === 'failure')).toBe(true);
  });

  it('shows p50 and p95 of every step of every function, and of whole rotations', () => {
    for (const functionName of functionNames) {
      for (const step of ROTATION_STEPS) {
        const stats = rows
          .filter(
            (row) =>
              row.name === METRICS.StepDuration.name &&
              row.dimensions['function'] === functionName &&
              row.dimensions['step'] === step,
          )
          .map((row) => row.stat);
        expect(stats.sort(), `${functionName} ${step}`).toEqual(['p50', 'p95']);
      }
      const rotation = rows.filter(
        (row) => row.name === METRICS.RotationDuration.name && row.dimensions['function'] === functionName,
      );
      expect(rotation.map((row) => row.stat).sort()).toEqual(['p50', 'p95']);
    }
  });

  it('finds failed steps by error class with a search over exactly the dimensions the code writes', () => {
    const search = expressions.find((e) => e.includes(METRICS.StepInvocations.name));
    const schema = /^SEARCH\('\{([^}]+)\} MetricName="(\w+)" \((.+)\)', 'Sum', 300\)$/.exec(search ?? '');
    expect(schema, search).not.toBeNull();
    const [namespace, ...dimensions] = (schema?.[1] ?? '').split(',');
    expect(namespace).toBe(NAMESPACE);
    expect(schema?.[2]).toBe(METRICS.StepInvocations.name);
    const sets = emitted
      .filter((m) => m.name === METRICS.StepInvocations.name)
      .map((m) => Object.keys(m.dimensions).sort().join(','));
    expect(sets).toContain([...dimensions].sort().join(','));
    expect(dimensions).toContain('errorClass');
    // Scoped to this stack's functions: another stack in the account writes to the same namespace.
    const filtered = [...(schema?.[3] ?? '').matchAll(/function="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(filtered)).toEqual(new Set(functionNames));
  });

  it('shows Lambda and Secrets Manager throttles per function', () => {
    const lambda = rows.filter((row) => row.namespace === 'AWS/Lambda' && row.name === 'Throttles');
    expect(new Set(lambda.map((row) => row.dimensions['FunctionName']))).toEqual(new Set(functionNames));
    const secretsManager = rows.filter((row) => row.name === METRICS.SecretsManagerThrottles.name);
    expect(new Set(secretsManager.map((row) => row.dimensions['function']))).toEqual(new Set(functionNames));
  });

  it("shows the failed-rotation rule's deliveries and the function errors alarms of this template", () => {
    const [rule] = ofType('AWS::Events::Rule');
    const events = rows.filter((row) => row.namespace === 'AWS/Events');
    expect(events.map((row) => row.name).sort()).toEqual(['FailedInvocations', 'Invocations']);
    expect(events.every((row) => row.dimensions['RuleName'] === resolve(rule ?? ''))).toBe(true);
    const alarms = body.widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms ?? []);
    expect(alarms.sort()).toEqual(
      ofType('AWS::CloudWatch::Alarm')
        .map((a) => resolve(`${a}.Arn`))
        .sort(),
    );
  });

  it('names no step the code does not write', () => {
    const steps = rows.flatMap((row) =>
      row.dimensions['step'] === undefined ? [] : [row.dimensions['step']],
    );
    for (const step of steps) expect(STEP_VALUES).toContain(step);
  });
});
