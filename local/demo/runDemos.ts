import type { DemoContext, DemoResult, DemoRotation } from './DemoRotation.js';

/** Runs each demo in turn and prints one verdict line per demo; a thrown error is a failed demo. */
export async function runDemos(demos: readonly DemoRotation[], context: DemoContext): Promise<DemoResult[]> {
  const results: DemoResult[] = [];
  for (const demo of demos) {
    const started = performance.now();
    let result: DemoResult;
    try {
      result = await demo.run(context);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
      result = {
        name: demo.name,
        verified: false,
        detail: reason,
        durationMs: Math.round(performance.now() - started),
      };
    }
    results.push(result);
    process.stdout.write(
      `${result.verified ? 'VERIFIED' : 'FAILED  '} ${result.name} (${result.durationMs} ms) ${result.detail}\n`,
    );
  }
  return results;
}
