import { ROTATION_STEPS } from '../rotation/RotationEvent.js';

/** The CloudWatch namespace when POWERTOOLS_METRICS_NAMESPACE is unset. */
export const DEFAULT_METRICS_NAMESPACE = 'SecretsRotation';

/** Every metric the functions emit, with its CloudWatch unit. */
export const METRICS = {
  /** One per step invocation, split by the `outcome` dimension. */
  StepInvocations: { name: 'StepInvocations', unit: 'Count' },
  StepDuration: { name: 'StepDuration', unit: 'Milliseconds' },
  /** A failed step whose Secrets Manager call was still throttled after the SDK's retries. */
  SecretsManagerThrottles: { name: 'SecretsManagerThrottles', unit: 'Count' },
  /** One per successful finishSecret. */
  RotationsCompleted: { name: 'RotationsCompleted', unit: 'Count' },
  /** From the rotation's createSecret to its finishSecret, when the function knows the start. */
  RotationDuration: { name: 'RotationDuration', unit: 'Milliseconds' },
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS]['name'];

export const DIMENSIONS = {
  /** The Lambda function's name, so two stacks in one account never mix. */
  function: 'function',
  step: 'step',
  outcome: 'outcome',
  errorClass: 'errorClass',
} as const;

export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The `step` of an invocation whose event was not a rotation event: its Step cannot be trusted. */
export const UNKNOWN_STEP = 'unknown';
export const STEP_VALUES = [...ROTATION_STEPS, UNKNOWN_STEP] as const;
export type StepValue = (typeof STEP_VALUES)[number];

const { function: fn, step, outcome, errorClass } = DIMENSIONS;

/**
 * The dimension sets of a step record. The coarse set serves alarms (a search expression cannot
 * drive one); the error class set exists on failures only.
 */
export const STEP_DIMENSION_SETS = {
  success: [
    [fn, outcome],
    [fn, step, outcome],
  ],
  failure: [
    [fn, outcome],
    [fn, step, outcome],
    [fn, step, outcome, errorClass],
  ],
} as const;

export const ROTATION_DIMENSION_SETS = [[fn]] as const;
