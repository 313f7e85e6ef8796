import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaStepInvoker } from '../../../cli/invokeRotationStep.js';

const lambda = mockClient(LambdaClient);
const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:rotation-postgres-single-user';
const EVENT = {
  Step: 'setSecret',
  SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:/services/orders/prod-AbCdEf',
  ClientRequestToken: '3f1c2b9a-7d4e-4c1a-9b8e-2f6d5a4c3b21',
} as const;
/** A payload as the SDK hands it over; the code under test reads it as plain bytes. */
const bytes = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as NonNullable<InvokeCommandOutput['Payload']>;

afterEach(() => lambda.reset());

describe('lambdaStepInvoker', () => {
  it('invokes the function synchronously with the step event as its payload', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes(null) });

    const outcome = await lambdaStepInvoker(new LambdaClient({ region: 'eu-west-1' })).invoke(
      FUNCTION,
      EVENT,
    );

    expect(outcome).toEqual({ ok: true });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe(FUNCTION);
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(EVENT);
  });

  it("reports a function error with the error's own name and message", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'PostgresConnectionError', errorMessage: 'connect timed out', trace: [] }),
    });

    const outcome = await lambdaStepInvoker(new LambdaClient({ region: 'eu-west-1' })).invoke(
      FUNCTION,
      EVENT,
    );

    expect(outcome).toEqual({
      ok: false,
      errorType: 'PostgresConnectionError',
      errorMessage: 'connect timed out',
    });
  });

  it('still reports a failure when the error payload is not an error object', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes('x') });

    const outcome = await lambdaStepInvoker(new LambdaClient({ region: 'eu-west-1' })).invoke(
      FUNCTION,
      EVENT,
    );

    expect(outcome).toMatchObject({ ok: false, errorType: 'Error' });
  });
});
