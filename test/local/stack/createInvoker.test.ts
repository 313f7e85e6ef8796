import { CreateSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionInvoker, type FunctionInvoker } from '../../../local/lambda/createFunctionInvoker.js';
import { startTestStack, type TestStack } from '../../support/startTestStack.js';

const seen: string[] = [];
let env: TestStack;

/** Notes each step after its invocation ended, then lets the runner go on. */
function noting(inner: FunctionInvoker): FunctionInvoker {
  return {
    async invoke(functionName, event, functionArn) {
      const result = await inner.invoke(functionName, event, functionArn);
      seen.push(`${functionName} ${(event as { Step: string }).Step} ${result.ok ? 'ok' : 'failed'}`);
      return result;
    },
    output: (functionName) => inner.output(functionName),
    kill: (functionName) => inner.kill(functionName),
    close: () => inner.close(),
  };
}

beforeAll(async () => {
  env = await startTestStack({ createInvoker: (options) => noting(createFunctionInvoker(options)) });
});
afterAll(async () => {
  await env?.close();
});

describe('the local stack with an invoker of its caller’s making', () => {
  it('runs every step of a rotation through it, one after the other', async () => {
    const created = await env.client.send(
      new CreateSecretCommand({ Name: 'invoker/seen', SecretString: '{"password":"invoker-initial-1"}' }),
    );
    const out = await env.client.send(
      new RotateSecretCommand({
        SecretId: created.ARN,
        RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:random-value',
      }),
    );

    await env.stack.runner.waitForRotation(created.ARN ?? '', out.VersionId ?? '', 20_000);

    expect(seen).toEqual([
      'random-value createSecret ok',
      'random-value setSecret ok',
      'random-value testSecret ok',
      'random-value finishSecret ok',
    ]);
  });
});
