import { AwsServiceError } from '../endpoint/AwsServiceError.js';
import type { LocalSecretsManager } from '../endpoint/LocalSecretsManager.js';
import type { FunctionInvoker } from '../lambda/createFunctionInvoker.js';
import { FunctionNotFoundError } from '../lambda/errors.js';

/** The answer to one POST /_local/invoke: an HTTP status and a JSON body. */
export interface InvokeAnswer {
  readonly status: number;
  readonly body: object;
}

const STEPS: readonly string[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

const refusal = (status: number, type: string, message: string): InvokeAnswer => ({
  status,
  body: { __type: type, message },
});

/**
 * Lambda's Invoke (RequestResponse) for the local stack, narrowed to what resuming a rotation
 * needs: `{ FunctionName, Payload }` where Payload is one rotation step event and FunctionName is
 * the rotation function of the secret it names. The answer has Invoke's shape: `Payload` is the
 * result, or `{ errorType, errorMessage }` with `FunctionError: 'Unhandled'` when the function threw.
 * Like Lambda, it only runs the function: nothing is recorded as a rotation of the runner.
 */
export async function invokeRotationFunction(
  store: LocalSecretsManager,
  invoker: FunctionInvoker,
  request: unknown,
): Promise<InvokeAnswer> {
  const { FunctionName: functionArn, Payload: payload } = (request ?? {}) as Record<string, unknown>;
  const event = (payload ?? {}) as Record<string, unknown>;
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  if (
    typeof functionArn !== 'string' ||
    typeof step !== 'string' ||
    !STEPS.includes(step) ||
    typeof secretId !== 'string' ||
    typeof token !== 'string'
  ) {
    return refusal(
      400,
      'InvalidRequestContentException',
      'Expected { FunctionName, Payload: { Step, SecretId, ClientRequestToken } } with a rotation step.',
    );
  }
  let rotationFunction: string | undefined;
  try {
    rotationFunction = store.findActive(secretId).rotationLambdaArn;
  } catch (error) {
    if (error instanceof AwsServiceError) return refusal(400, error.type, error.message);
    throw error;
  }
  if (rotationFunction === undefined || rotationFunction !== functionArn) {
    return refusal(
      403,
      'AccessDeniedException',
      `The local stack invokes only a secret's own rotation function, and ${functionArn} is not that of ${secretId}.`,
    );
  }
  const functionName = functionArn.split(':')[6] ?? '';
  try {
    const result = await invoker.invoke(
      functionName,
      { Step: step, SecretId: secretId, ClientRequestToken: token },
      functionArn,
    );
    return {
      status: 200,
      body: result.ok
        ? { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: result.result ?? null }
        : {
            StatusCode: 200,
            ExecutedVersion: '$LATEST',
            FunctionError: 'Unhandled',
            Payload: { errorType: result.errorType, errorMessage: result.errorMessage },
          },
    };
  } catch (error) {
    if (error instanceof FunctionNotFoundError)
      return refusal(404, 'ResourceNotFoundException', `Function not found: ${functionArn}`);
    throw error;
  }
}
