import type { FunctionInvoker } from '../../local/lambda/createFunctionInvoker.js';
import type { RotationStep } from '../../shared/rotation/RotationEvent.js';

/**
 * Makes one step of one secret's rotation fail, for as long as a test wants, the way a function
 * whose process is SIGKILLed as the step begins fails (Runtime.ExitError): nothing of the step
 * runs. Every invocation, broken or not, is counted by secret and step.
 */
export class StepBreaker {
  readonly #broken = new Map<string, RotationStep>();
  readonly #invocations = new Map<string, number>();

  /** From now on `step` of `secretArn` fails; `undefined` mends it. */
  set(secretArn: string, step: RotationStep | undefined): void {
    if (step === undefined) this.#broken.delete(secretArn);
    else this.#broken.set(secretArn, step);
  }

  /** How many times `step` of `secretArn` was invoked, failed ones included. */
  invocations(secretArn: string, step: RotationStep): number {
    return this.#invocations.get(`${secretArn} ${step}`) ?? 0;
  }

  /** The stack's invoker, with the broken steps failing before they reach the function. */
  wrap(inner: FunctionInvoker): FunctionInvoker {
    return {
      invoke: async (functionName, event, functionArn) => {
        const { SecretId, Step } = event as { readonly SecretId: string; readonly Step: RotationStep };
        const key = `${SecretId} ${Step}`;
        this.#invocations.set(key, (this.#invocations.get(key) ?? 0) + 1);
        if (this.#broken.get(SecretId) === Step)
          return { ok: false, errorType: 'Runtime.ExitError', errorMessage: 'Process exited (SIGKILL)' };
        return inner.invoke(functionName, event, functionArn);
      },
      output: (functionName) => inner.output(functionName),
      kill: (functionName) => inner.kill(functionName),
      close: () => inner.close(),
    };
  }
}
