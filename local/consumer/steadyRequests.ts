import { setTimeout as sleep } from 'node:timers/promises';
import { REQUEST_KINDS, type RequestKind, type SampleApplication } from './SampleApplication.js';

/** Application requests at a steady rate, counted, until `stop` resolves with the counts. */
export function steadyRequests(app: SampleApplication, requestsPerSecond: number) {
  let requests = 0;
  let failed = 0;
  const failuresByKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  const firstErrors: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const started = Date.now();
  const load = (async () => {
    let issued = 0;
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * requestsPerSecond);
      for (; issued < due && inFlight.size < 500; issued++) {
        const kind = REQUEST_KINDS[issued % REQUEST_KINDS.length] as RequestKind;
        const request = app
          .request(kind)
          .catch((error: unknown) => {
            failed += 1;
            failuresByKind[kind] += 1;
            if (firstErrors.length < 5)
              firstErrors.push(
                `${kind}: ${error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''}`.trim() : 'error'}`,
              );
          })
          .finally(() => {
            requests += 1;
            inFlight.delete(request);
          });
        inFlight.add(request);
      }
      await sleep(5);
    }
  })();
  return {
    async stop() {
      running = false;
      await load;
      await Promise.all(inFlight);
      const durationMs = Date.now() - started;
      return {
        durationMs,
        requests,
        failedRequests: failed,
        requestsPerSecond: Math.round((requests / durationMs) * 1000),
        failuresByKind,
        firstErrors,
      };
    },
  };
}
