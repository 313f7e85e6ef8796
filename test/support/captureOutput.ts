import { afterEach, beforeEach } from 'vitest';
import { auditOutput } from '../../testing/leaks/leakAudit.js';

/**
 * Records everything this process writes to stdout and stderr (Powertools Logger writes there)
 * until `stop()`. Pass-through is off so test output stays readable.
 */
export interface CapturedOutput {
  text(): string;
  stop(): string;
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const record = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  let stopped = false;
  return {
    text: () => chunks.join(''),
    stop() {
      if (!stopped) {
        process.stdout.write = originals.out;
        process.stderr.write = originals.err;
        stopped = true;
        auditOutput(chunks.join(''));
      }
      return chunks.join('');
    },
  };
}

/** Captures output around every test of the calling file; `text()` reads the current test's. */
export function useCapturedOutput(): { text(): string } {
  let current: CapturedOutput | undefined;
  beforeEach(() => {
    current = captureOutput();
  });
  afterEach(() => {
    current?.stop();
  });
  return { text: () => current?.text() ?? '' };
}
