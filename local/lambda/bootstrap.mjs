// The local Lambda runtime's child process: loads one bundle and runs one event at a time,
// keeping module scope between invocations as a warm Lambda container does.
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2];
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
let handlerPromise;

function loadHandler() {
  handlerPromise ??= import(pathToFileURL(bundle).href).then((module) => {
    if (typeof module.handler !== 'function') throw new Error(`${bundle} does not export a handler function`);
    return module.handler;
  });
  return handlerPromise;
}

// Logs written before the answer reach the parent before it, as far as a pipe allows.
const flushed = () =>
  new Promise((resolve) => process.stdout.write('', () => process.stderr.write('', resolve)));

let coldStart = true;

// Lambda's own REPORT line, so operators and the benchmark see duration and peak memory per invocation.
function report(id, started) {
  const maxRssMb = Math.ceil(process.resourceUsage().maxRSS / 1024);
  const cold = coldStart ? '\tCold Start: true' : '';
  coldStart = false;
  process.stdout.write(
    `REPORT RequestId: ${id}\tDuration: ${Date.now() - started} ms\tMax Memory Used: ${maxRssMb} MB${cold}\n`,
  );
}

process.on('message', async (message) => {
  const started = Date.now();
  const context = {
    functionName,
    awsRequestId: message.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => Math.max(0, message.timeoutMs - (Date.now() - started)),
  };
  try {
    const handler = await loadHandler();
    const result = await handler(message.event, context);
    report(message.id, started);
    await flushed();
    process.send({ id: message.id, ok: true, result: result ?? null });
  } catch (error) {
    report(message.id, started);
    await flushed();
    process.send({
      id: message.id,
      ok: false,
      errorType: error?.name ?? 'Error',
      errorMessage: error?.message ?? String(error),
    });
  }
});
