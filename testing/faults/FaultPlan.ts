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

/** Faults drawn at random for every call, instead of one armed fault (a chaos soak). */
export interface ChaosSettings {
  /** Chance that a call is faulted. */
  readonly rate: number;
  /** Chance that a client's retry of a faulted call is faulted again. */
  readonly retryRate: number;
  readonly kinds: readonly FaultKind[];
  /** Uniform in [0, 1): seeded, so that a failing run replays. */
  readonly random: () => number;
}

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
  /** Faults injected in chaos mode, by kind. */
  readonly injected = new Map<FaultKind, number>();
  /** Of those, faults injected on a client's retry of a call that was faulted before. */
  injectedOnRetry = 0;
  #armed: { readonly index: number; readonly kind: FaultKind } | undefined;
  #hit: FaultHit | undefined;
  readonly #failing = new Set<string>();
  #chaos: ChaosSettings | undefined;
  /** Retry keys of calls faulted in chaos mode. */
  readonly #faulted = new Set<string>();

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
   * From now on every call may be faulted at random (`undefined` stops it): a call with `rate`, a
   * client's retry of a faulted call (same retry key) with `retryRate`, so faults land on retries
   * of faults too. Calls are counted, not kept.
   */
  chaos(settings: ChaosSettings | undefined): void {
    this.#chaos = settings;
    this.#armed = undefined;
    this.#failing.clear();
    this.#faulted.clear();
  }

  /**
   * The fault for this call, if any. `retryKey` names the logical call across the client's own
   * retries (the SDK's invocation id), so an `error` fails every retry of it, not just the first.
   */
  decide(label: string, retryKey?: string): FaultKind | undefined {
    if (this.#chaos !== undefined) return this.#draw(this.#chaos, retryKey);
    if (retryKey !== undefined && this.#failing.has(retryKey)) return 'error';
    const index = this.calls.length;
    this.calls.push(label);
    const armed = this.#armed;
    if (armed === undefined || armed.index !== index) return undefined;
    this.#hit = { index, label, kind: armed.kind };
    if (armed.kind === 'error' && retryKey !== undefined) this.#failing.add(retryKey);
    return armed.kind;
  }

  #draw(chaos: ChaosSettings, retryKey: string | undefined): FaultKind | undefined {
    const retry = retryKey !== undefined && this.#faulted.has(retryKey);
    if (chaos.random() >= (retry ? chaos.retryRate : chaos.rate)) return undefined;
    const kind = chaos.kinds[Math.floor(chaos.random() * chaos.kinds.length)];
    if (kind === undefined) return undefined;
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    if (retry) this.injectedOnRetry += 1;
    if (retryKey !== undefined) this.#faulted.add(retryKey);
    return kind;
  }

  /** An invocation ended: a later call with the same retry key is a new call. */
  endInvocation(): void {
    this.#failing.clear();
  }
}
