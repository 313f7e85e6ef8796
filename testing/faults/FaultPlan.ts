/**
 * What a fault proxy does to one call:
 * - `error`: answers with the service's own kind of error (HTTP 500, a Postgres ERROR), so the call
 *   throws in the function; the client's own retries of that call fail too.
 * - `kill-before` / `kill-after`: the function's process is SIGKILLed before the call reaches the
 *   service, or after the service carried it out but before the answer reaches the function.
 * - `drop`: the connection is reset before the call is forwarded.
 * - `cut`: the call is forwarded and the connection cut as the answer starts: done, answer lost.
 * - `delay`: the call is held back for a while, then forwarded normally.
 * - `stall`: the call is never forwarded and never answered; only the client's own timeout ends it.
 */
export type FaultKind = 'error' | 'kill-before' | 'kill-after' | 'drop' | 'cut' | 'delay' | 'stall';

/** What the fault matrix injects at every call; a stall costs a client timeout each, so it is tried apart. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'error',
  'kill-before',
  'kill-after',
  'drop',
  'cut',
  'delay',
];

export interface FaultHit {
  readonly index: number;
  readonly label: string;
  readonly kind: FaultKind;
}

/**
 * One function's calls through its fault proxies, counted across services in the order they
 * happen, and the one fault to inject at a chosen call. Proxies ask `decide` for every call.
 */
export class FaultPlan {
  /** Labels of the calls seen since the plan was last armed, e.g. `postgres ALTER ROLE`. */
  readonly calls: string[] = [];
  /** Kills the process that makes the calls; set by whoever runs the function. */
  kill: () => Promise<unknown> = async () => undefined;
  delayMs = 250;
  #armed: { readonly index: number; readonly kind: FaultKind } | undefined;
  #hit: FaultHit | undefined;
  readonly #failing = new Set<string>();

  /** Forgets the calls seen and injects `kind` at call `index` (none when absent). */
  arm(fault?: { readonly index: number; readonly kind: FaultKind }): void {
    this.calls.length = 0;
    this.#armed = fault;
    this.#hit = undefined;
    this.#failing.clear();
  }

  get hit(): FaultHit | undefined {
    return this.#hit;
  }

  /**
   * The fault for this call, if any. `retryKey` names the logical call across the client's own
   * retries (the SDK's invocation id), so an `error` fails every retry of it, not just the first.
   */
  decide(label: string, retryKey?: string): FaultKind | undefined {
    if (retryKey !== undefined && this.#failing.has(retryKey)) return 'error';
    const index = this.calls.length;
    this.calls.push(label);
    const armed = this.#armed;
    if (armed === undefined || armed.index !== index) return undefined;
    this.#hit = { index, label, kind: armed.kind };
    if (armed.kind === 'error' && retryKey !== undefined) this.#failing.add(retryKey);
    return armed.kind;
  }

  /** An invocation ended: a later call with the same retry key is a new call. */
  endInvocation(): void {
    this.#failing.clear();
  }
}
