import { InvalidRotationEventError } from './errors.js';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** A validated invocation from Secrets Manager. `rotationToken` is a credential: never log it. */
export interface RotationEvent {
  readonly step: RotationStep;
  readonly secretId: string;
  readonly token: string;
  readonly rotationToken: string | undefined;
}

const TOKEN_LENGTH = { min: 32, max: 64 } as const;
const MAX_SECRET_ID_LENGTH = 2048;

function isStep(value: unknown): value is RotationStep {
  return typeof value === 'string' && (ROTATION_STEPS as readonly string[]).includes(value);
}

function field(event: object, key: string): unknown {
  return (event as Record<string, unknown>)[key];
}

/** Parses the raw Lambda event. Errors name the field and the rule, never the field's content. */
export function parseRotationEvent(input: unknown): RotationEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidRotationEventError('event', 'must be a JSON object');
  }
  const step = field(input, 'Step');
  if (!isStep(step)) {
    throw new InvalidRotationEventError('Step', `must be one of ${ROTATION_STEPS.join(', ')}`);
  }
  const secretId = field(input, 'SecretId');
  if (typeof secretId !== 'string' || secretId.length === 0 || secretId.length > MAX_SECRET_ID_LENGTH) {
    throw new InvalidRotationEventError(
      'SecretId',
      `must be a secret name or ARN of 1 to ${MAX_SECRET_ID_LENGTH} characters`,
    );
  }
  const token = field(input, 'ClientRequestToken');
  if (
    typeof token !== 'string' ||
    token.length < TOKEN_LENGTH.min ||
    token.length > TOKEN_LENGTH.max ||
    !/^[\x21-\x7e]+$/.test(token)
  ) {
    throw new InvalidRotationEventError(
      'ClientRequestToken',
      `must be a version id of ${TOKEN_LENGTH.min} to ${TOKEN_LENGTH.max} printable ASCII characters`,
    );
  }
  const rotationToken = field(input, 'RotationToken');
  if (rotationToken !== undefined && (typeof rotationToken !== 'string' || rotationToken.length === 0)) {
    throw new InvalidRotationEventError('RotationToken', 'must be a non-empty string when present');
  }
  return { step, secretId, token, rotationToken };
}
