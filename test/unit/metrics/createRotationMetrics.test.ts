import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRotationMetrics,
  MAX_TRACKED_ROTATIONS,
} from '../../../shared/metrics/createRotationMetrics.js';
import { DimensionSetMetrics } from '../../../shared/metrics/DimensionSetMetrics.js';
import {
  KNOWN_AWS_ERROR_NAMES,
  PROJECT_ERROR_CLASSES,
  UNEXPECTED_ERROR_CLASS,
} from '../../../shared/metrics/errorClassOf.js';
import {
  DIMENSIONS,
  METRICS,
  OUTCOMES,
  ROTATION_DIMENSION_SETS,
  STEP_DIMENSION_SETS,
  STEP_VALUES,
} from '../../../shared/metrics/metricNames.js';
import { createRotationHandler } from '../../../shared/rotation/createRotationHandler.js';
import { ROTATION_STEPS, type RotationStep } from '../../../shared/rotation/RotationEvent.js';
import { SecretsManagerCallError } from '../../../shared/secrets/errors.js';
import { assertNoSecretLeaks } from '../../../testing/leaks/assertNoSecretLeaks.js';
import { useCapturedOutput } from '../../support/captureOutput.js';
import { type EmfRecord, emfRecords, emittedMetrics } from '../../support/emfRecords.js';
import { InMemorySecretStore } from '../../support/InMemorySecretStore.js';
import { RecordingTarget } from '../../support/RecordingTarget.js';

const output = useCapturedOutput();

const NAMESPACE = 'RotationMetricsTest';
const FUNCTION_NAME = 'my-stack-random-value';
const SERVICE_NAME = 'metrics-test';
const SEED_VERSION = '0a0b0c0d-1111-4222-8333-444455556666';
const TOKEN = '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21';
const ROTATION_TOKEN = 'rotation-token-kept-private-123';
const INITIAL_PASSWORD = 'initial-password-Xq9';

function awsError(name: string): Error {
  const error = new Error(`${name} from the service`);
  error.name = name;
  return error;
}

/**
 * One secret with a pending rotation, and rotation handlers over it: each `container()` is a warm
 * Lambda container of its own (its own metrics, so its own memory of rotation starts).
 */
function fixture(options: { readonly metrics?: DimensionSetMetrics } = {}) {
  const store = new InMemorySecretStore()
    .addVersion(SEED_VERSION, JSON.stringify({ username: 'app', password: INITIAL_PASSWORD }), ['AWSCURRENT'])
    .addVersion(TOKEN, undefined, ['AWSPENDING']);
  const target = new RecordingTarget();
  target.accepted.add(INITIAL_PASSWORD);
  const container = () => {
    const logger = new Logger({ serviceName: SERVICE_NAME });
    const metrics = createRotationMetrics({
      namespace: NAMESPACE,
      functionName: FUNCTION_NAME,
      serviceName: SERVICE_NAME,
      logger,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    });
    return createRotationHandler({ store, target, logger }, metrics);
  };
  const handler = container();
  const event = (step: RotationStep, token = TOKEN) => ({
    Step: step,
    SecretId: store.arn,
    ClientRequestToken: token,
    RotationToken: ROTATION_TOKEN,
  });
  return { store, target, handler, container, event };
}

const records = () => emfRecords(output.text());
const stepRecords = () => records().filter((r) => METRICS.StepInvocations.name in r);
const rotationRecords = () => records().filter((r) => METRICS.RotationsCompleted.name in r);
const sorted = (sets: ReadonlyArray<readonly string[]>) => sets.map((set) => [...set].sort()).sort();
const directiveOf = (record: EmfRecord) => record._aws.CloudWatchMetrics[0];

afterEach(() => {
  vi.useRealTimers();
});

describe('step metrics', () => {
  it('writes one record per successful step: count and duration by function, step and outcome', async () => {
    const { handler, event } = fixture();

    for (const step of ROTATION_STEPS) await handler(event(step));

    const steps = stepRecords();
    expect(steps.map((r) => r['step'])).toEqual([...ROTATION_STEPS]);
    for (const record of steps) {
      expect(record._aws.CloudWatchMetrics).toHaveLength(1);
      expect(directiveOf(record)?.Namespace).toBe(NAMESPACE);
      expect(sorted(directiveOf(record)?.Dimensions ?? [])).toEqual(sorted(STEP_DIMENSION_SETS.success));
      expect(directiveOf(record)?.Metrics).toEqual([
        { Name: METRICS.StepInvocations.name, Unit: METRICS.StepInvocations.unit },
        { Name: METRICS.StepDuration.name, Unit: METRICS.StepDuration.unit },
      ]);
      expect(record).toMatchObject({
        [DIMENSIONS.function]: FUNCTION_NAME,
        [DIMENSIONS.outcome]: 'success',
        StepInvocations: 1,
        service: SERVICE_NAME,
      });
      expect(record['StepDuration']).toEqual(expect.any(Number));
      expect(record['StepDuration']).toBeGreaterThanOrEqual(0);
      expect(record).not.toHaveProperty(DIMENSIONS.errorClass);
      // Powertools' default service dimension would name the function a second time.
      expect(directiveOf(record)?.Dimensions.flat()).not.toContain('service');
    }
  });

  it('writes exactly one step record per invocation, the step that failed included', async () => {
    const { store, handler, event } = fixture();
    await handler(event('createSecret'));
    store.failNext('describe');

    await expect(handler(event('setSecret'))).rejects.toThrow(SecretsManagerCallError);

    expect(stepRecords().map((r) => [r['step'], r['outcome']])).toEqual([
      ['createSecret', 'success'],
      ['setSecret', 'failure'],
    ]);
  });
});

describe('failed steps', () => {
  it.each(ROTATION_STEPS)(
    'writes a failed %s with its error class, under the error class set too',
    async (failing) => {
      const { store, handler, event } = fixture();
      for (const step of ROTATION_STEPS.slice(0, ROTATION_STEPS.indexOf(failing))) await handler(event(step));
      store.failNext('describe');

      await expect(handler(event(failing))).rejects.toThrow(SecretsManagerCallError);

      const failed = stepRecords().at(-1);
      expect(failed).toBeDefined();
      if (failed === undefined) return;
      expect(directiveOf(failed)?.Namespace).toBe(NAMESPACE);
      expect(sorted(directiveOf(failed)?.Dimensions ?? [])).toEqual(sorted(STEP_DIMENSION_SETS.failure));
      expect(failed).toMatchObject({
        [DIMENSIONS.function]: FUNCTION_NAME,
        [DIMENSIONS.step]: failing,
        [DIMENSIONS.outcome]: 'failure',
        [DIMENSIONS.errorClass]: 'SecretsManagerCallError',
        StepInvocations: 1,
      });
      expect(failed['StepDuration']).toEqual(expect.any(Number));
      // Only throttling that outlasted the SDK's retries counts as such; this was an internal error.
      expect(failed).not.toHaveProperty(METRICS.SecretsManagerThrottles.name);
      expect(rotationRecords()).toEqual([]);
    },
  );

  it("names the project's error class", async () => {
    const { handler, event } = fixture();

    await expect(handler(event('setSecret', '99999999-8888-4777-8666-555544443333'))).rejects.toThrow(
      'has no staged version',
    );

    expect(stepRecords().at(-1)?.[DIMENSIONS.errorClass]).toBe('UnknownVersionError');
  });

  it('maps an error of no project class to Unexpected, whatever it is called', async () => {
    const { target, handler, event } = fixture();
    await handler(event('createSecret'));
    target.failSet = true;

    await expect(handler(event('setSecret'))).rejects.toThrow('set failed');
    const named = fixture();
    named.store.failNext('describe', 'before', awsError('ECONNRESET-from-a-socket'));
    await expect(named.handler(named.event('createSecret'))).rejects.toThrow();

    expect(stepRecords().map((r) => r[DIMENSIONS.errorClass])).toEqual([
      undefined,
      UNEXPECTED_ERROR_CLASS,
      UNEXPECTED_ERROR_CLASS,
    ]);
  });

  it('keeps the name of an unwrapped AWS error from the known set', async () => {
    const { store, handler, event } = fixture();
    store.failNext('describe', 'before', awsError('AccessDeniedException'));

    await expect(handler(event('createSecret'))).rejects.toThrow();

    expect(stepRecords().at(-1)?.[DIMENSIONS.errorClass]).toBe('AccessDeniedException');
  });

  it('counts a step that Secrets Manager kept throttling after the retries', async () => {
    const { store, handler, event } = fixture();
    store.failNext(
      'describe',
      'before',
      new SecretsManagerCallError('DescribeSecret', 'app/db', awsError('ThrottlingException')),
    );

    await expect(handler(event('createSecret'))).rejects.toThrow(SecretsManagerCallError);

    const failed = stepRecords().at(-1);
    expect(failed?.[DIMENSIONS.errorClass]).toBe('SecretsManagerCallError');
    expect(failed?.[METRICS.SecretsManagerThrottles.name]).toBe(1);
    expect(directiveOf(failed as EmfRecord)?.Metrics).toContainEqual({
      Name: METRICS.SecretsManagerThrottles.name,
      Unit: METRICS.SecretsManagerThrottles.unit,
    });
  });

  it('records an event that is not a rotation event as a failure of step unknown', async () => {
    const { handler } = fixture();

    await expect(handler({ Step: 'dropTables', SecretId: 'x', ClientRequestToken: TOKEN })).rejects.toThrow(
      'Invalid rotation event',
    );

    expect(stepRecords()).toHaveLength(1);
    expect(stepRecords()[0]).toMatchObject({
      [DIMENSIONS.step]: 'unknown',
      [DIMENSIONS.outcome]: 'failure',
      [DIMENSIONS.errorClass]: 'InvalidRotationEventError',
    });
  });
});

describe('rotation metrics', () => {
  it('counts a completed rotation at finishSecret, with the time since the createSecret this container saw', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-03-01T10:00:00.000Z');
    vi.setSystemTime(start);
    const { handler, event } = fixture();

    await handler(event('createSecret'));
    vi.setSystemTime(start.getTime() + 5_000);
    await handler(event('setSecret'));
    await handler(event('testSecret'));
    vi.setSystemTime(start.getTime() + 42_000);
    await handler(event('finishSecret'));

    const [completed, ...more] = rotationRecords();
    expect(more).toEqual([]);
    expect(directiveOf(completed as EmfRecord)?.Namespace).toBe(NAMESPACE);
    expect(directiveOf(completed as EmfRecord)?.Dimensions).toEqual(ROTATION_DIMENSION_SETS);
    expect(directiveOf(completed as EmfRecord)?.Metrics).toEqual([
      { Name: METRICS.RotationsCompleted.name, Unit: METRICS.RotationsCompleted.unit },
      { Name: METRICS.RotationDuration.name, Unit: METRICS.RotationDuration.unit },
    ]);
    expect(completed).toMatchObject({
      [DIMENSIONS.function]: FUNCTION_NAME,
      RotationsCompleted: 1,
      RotationDuration: 42_000,
    });
  });

  it('counts a rotation once when Secrets Manager retries a finishSecret that had already moved AWSCURRENT', async () => {
    const { handler, event } = fixture();
    for (const step of ROTATION_STEPS) await handler(event(step));

    await handler(event('finishSecret'));

    expect(rotationRecords()).toHaveLength(1);
    expect(stepRecords().filter((r) => r[DIMENSIONS.step] === 'finishSecret')).toHaveLength(2);
  });

  it('counts a rotation whose createSecret another container served, without a duration', async () => {
    const { handler, container, event } = fixture();
    for (const step of ROTATION_STEPS.slice(0, 3)) await handler(event(step));

    await container()(event('finishSecret'));

    const [completed] = rotationRecords();
    expect(completed?.[METRICS.RotationsCompleted.name]).toBe(1);
    expect(completed).not.toHaveProperty(METRICS.RotationDuration.name);
  });

  it('takes a start the engine passes over the one it saw, and ignores one from a clock that is ahead', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00.000Z'));
    const metrics = createRotationMetrics({
      namespace: NAMESPACE,
      functionName: FUNCTION_NAME,
      serviceName: SERVICE_NAME,
      logger: new Logger({ serviceName: SERVICE_NAME }),
    });
    const first = metrics.startInvocation();
    first.recordRotationStarted(TOKEN, new Date());
    first.flush();

    const given = metrics.startInvocation();
    given.recordRotationCompleted(TOKEN, { startedAt: new Date(Date.now() - 90_000) });
    given.flush();
    const ahead = metrics.startInvocation();
    ahead.recordRotationCompleted(TOKEN, { startedAt: new Date(Date.now() + 1_000) });
    ahead.flush();

    expect(rotationRecords().map((r) => r[METRICS.RotationDuration.name])).toEqual([90_000, undefined]);
  });

  it(`remembers at most ${MAX_TRACKED_ROTATIONS} rotation starts, forgetting the oldest first`, () => {
    const metrics = createRotationMetrics({
      namespace: NAMESPACE,
      functionName: FUNCTION_NAME,
      serviceName: SERVICE_NAME,
      logger: new Logger({ serviceName: SERVICE_NAME }),
    });
    const tokenOf = (i: number) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
    for (let i = 0; i <= MAX_TRACKED_ROTATIONS; i++) {
      const invocation = metrics.startInvocation();
      invocation.recordRotationStarted(tokenOf(i), new Date());
      invocation.flush();
    }

    for (const i of [0, MAX_TRACKED_ROTATIONS]) {
      const invocation = metrics.startInvocation();
      invocation.recordRotationCompleted(tokenOf(i));
      invocation.flush();
    }

    const durations = rotationRecords().map((r) => r[METRICS.RotationDuration.name]);
    expect(durations).toEqual([undefined, expect.any(Number)]);
  });
});

describe('what the records carry', () => {
  it('has only bounded dimension values, and no secret id, ARN, version id, token or value anywhere', async () => {
    const { store, target, handler, event } = fixture();
    for (const step of ROTATION_STEPS) await handler(event(step));
    store.failNext('describe');
    await expect(handler(event('finishSecret'))).rejects.toThrow();
    await expect(
      handler({ Step: 'createSecret', SecretId: store.arn, ClientRequestToken: 'short' }),
    ).rejects.toThrow();

    const all = records();
    const allowed: Record<string, readonly string[]> = {
      [DIMENSIONS.function]: [FUNCTION_NAME],
      [DIMENSIONS.step]: STEP_VALUES,
      [DIMENSIONS.outcome]: OUTCOMES,
      [DIMENSIONS.errorClass]: [...PROJECT_ERROR_CLASSES, ...KNOWN_AWS_ERROR_NAMES, UNEXPECTED_ERROR_CLASS],
    };
    const emitted = emittedMetrics(all);
    expect(emitted.length).toBeGreaterThan(0);
    for (const metric of emitted) {
      for (const [name, value] of Object.entries(metric.dimensions)) {
        expect(allowed[name], `dimension ${name}`).toContain(value);
      }
    }
    const text = all.map((r) => JSON.stringify(r)).join('\n');
    for (const identifier of [store.arn, 'app/db', TOKEN, SEED_VERSION])
      expect(text).not.toContain(identifier);
    const values = Object.values(store.snapshot()).flatMap((v) => (v.value === undefined ? [] : [v.value]));
    assertNoSecretLeaks(text, [...values, ...target.generated, INITIAL_PASSWORD, ROTATION_TOKEN]);
  });
});

describe('what the function logs', () => {
  /** The Powertools log lines (JSON with a `level`) among the output; EMF records have none. */
  const logLines = () =>
    output
      .text()
      .split('\n')
      .flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          return typeof parsed['level'] === 'string' ? [parsed] : [];
        } catch {
          return [];
        }
      });

  it('writes a successful and a failed step without a warning, under exactly the documented dimension sets', async () => {
    const { store, handler, event } = fixture();
    for (const step of ROTATION_STEPS) await handler(event(step));
    store.failNext('describe');

    await expect(handler(event('createSecret'))).rejects.toThrow(SecretsManagerCallError);

    // The capture sees the logger: the failure's own line is there.
    expect(logLines().map((line) => [line['level'], line['message']])).toContainEqual([
      'ERROR',
      'Step failed',
    ]);
    expect(logLines().filter((line) => line['level'] === 'WARN')).toEqual([]);
    expect(output.text()).not.toMatch(/EMF key|dimension set|already been added|won't be added/);
    expect(stepRecords().map((r) => directiveOf(r)?.Dimensions)).toEqual([
      ...ROTATION_STEPS.map(() => STEP_DIMENSION_SETS.success),
      STEP_DIMENSION_SETS.failure,
    ]);
    expect(stepRecords().at(-1)).toMatchObject({
      [DIMENSIONS.function]: FUNCTION_NAME,
      [DIMENSIONS.step]: 'createSecret',
      [DIMENSIONS.outcome]: 'failure',
      [DIMENSIONS.errorClass]: 'SecretsManagerCallError',
    });
    expect(rotationRecords().map((r) => directiveOf(r)?.Dimensions)).toEqual([ROTATION_DIMENSION_SETS]);
  });

  it('writes an event that is not a rotation event without a warning either', async () => {
    const { handler } = fixture();

    await expect(handler({ Step: 'dropTables' })).rejects.toThrow('Invalid rotation event');

    expect(logLines().filter((line) => line['level'] === 'WARN')).toEqual([]);
    expect(stepRecords().map((r) => directiveOf(r)?.Dimensions)).toEqual([STEP_DIMENSION_SETS.failure]);
  });
});

describe('a metrics sink that fails', () => {
  const failingSink = () => {
    const metrics = new DimensionSetMetrics({ namespace: NAMESPACE });
    const publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      throw new Error('stdout is gone');
    });
    return { metrics, publish };
  };

  it('never fails a step, and a failing step still fails with its own error', async () => {
    const { metrics, publish } = failingSink();
    const { store, handler, event } = fixture({ metrics });

    await expect(handler(event('createSecret'))).resolves.toBeUndefined();
    store.failNext('describe');
    await expect(handler(event('setSecret'))).rejects.toThrow(SecretsManagerCallError);

    expect(publish).toHaveBeenCalled();
    expect(output.text()).toContain('Metrics not emitted');
  });

  it('drops what it could not write rather than adding it to the next invocation', async () => {
    const { metrics, publish } = failingSink();
    const { handler, event } = fixture({ metrics });
    await handler(event('createSecret'));
    publish.mockRestore();

    await handler(event('setSecret'));

    expect(stepRecords()).toHaveLength(1);
    expect(stepRecords()[0]).toMatchObject({ [DIMENSIONS.step]: 'setSecret', StepInvocations: 1 });
    expect(directiveOf(stepRecords()[0] as EmfRecord)?.Dimensions).toHaveLength(
      STEP_DIMENSION_SETS.success.length,
    );
  });
});
