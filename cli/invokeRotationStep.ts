import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { RotationStep } from '../shared/rotation/RotationEvent.js';

/** One step as Secrets Manager sends it to a rotation function (no RotationToken: only it has one). */
export interface StepEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

/** How one invocation ended; when the function threw, its error's name and message (never a value). */
export type StepOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

export interface StepInvoker {
  invoke(functionArn: string, event: StepEvent): Promise<StepOutcome>;
  close(): void;
}

/** The error object a Node.js function's failed invocation returns as its payload. */
function failure(payload: string): StepOutcome {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    return {
      ok: false,
      errorType: typeof parsed.errorType === 'string' ? parsed.errorType : 'Error',
      errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : 'no message',
    };
  } catch {
    return { ok: false, errorType: 'Error', errorMessage: 'the function failed without an error object' };
  }
}

/** Lambda's Invoke API, synchronously; needs lambda:InvokeFunction on the function. */
export function lambdaStepInvoker(client: LambdaClient): StepInvoker {
  return {
    async invoke(functionArn, event) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      if (out.FunctionError === undefined) return { ok: true };
      return failure(new TextDecoder().decode(out.Payload ?? new Uint8Array()));
    },
    close: () => client.destroy(),
  };
}

/** The local stack refused an invocation (unknown secret, not its rotation function); `type` is its error. */
export class LocalInvokeError extends Error {
  override readonly name = 'LocalInvokeError';

  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

/** The local stack's POST /_local/invoke, which runs the function as its rotation runner does. */
export function localStepInvoker(endpoint: string): StepInvoker {
  return {
    async invoke(functionArn, event) {
      const response = await fetch(new URL('/_local/invoke', endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ FunctionName: functionArn, Payload: event }),
      });
      const body = (await response.json()) as {
        FunctionError?: string;
        Payload?: unknown;
        __type?: string;
        message?: string;
      };
      if (!response.ok) throw new LocalInvokeError(body.__type ?? 'Error', body.message ?? 'refused');
      if (body.FunctionError === undefined) return { ok: true };
      return failure(JSON.stringify(body.Payload ?? {}));
    },
    close: () => undefined,
  };
}

/** Whether the endpoint is the local stack (it answers its own health route). */
export async function isLocalStack(endpoint: string | undefined): Promise<boolean> {
  if (endpoint === undefined) return false;
  try {
    const response = await fetch(new URL('/_local/health', endpoint), { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { status?: unknown }).status === 'ok';
  } catch {
    return false;
  }
}

/**
 * Invokes through the local stack when the Secrets Manager endpoint is the local stack, else
 * through Lambda with the SDK's defaults (region, profile, AWS_ENDPOINT_URL_LAMBDA).
 */
export async function createStepInvoker(
  endpoint: string | undefined,
  region: string | undefined,
): Promise<StepInvoker> {
  if (endpoint !== undefined && (await isLocalStack(endpoint))) return localStepInvoker(endpoint);
  return lambdaStepInvoker(new LambdaClient(region === undefined ? {} : { region }));
}
