import type { Logger } from '@aws-lambda-powertools/logger';
import type { RotationStep } from './RotationEvent.js';

/** Identifies the rotation a target is working for; carries no secret value. */
export interface RotationContext {
  readonly secretArn: string;
  /** The ClientRequestToken: id of the version being created. */
  readonly versionId: string;
  readonly logger: Logger;
  /** This function's ARN as Lambda invoked it; `undefined` outside Lambda. */
  readonly functionArn?: string | undefined;
  /** The staging label of the value `test` proves, for its messages. Default AWSPENDING. */
  readonly label?: string;
  /** What the target's `startEarly` started for this step, if anything; only this step may use it. */
  readonly earlyStart?: EarlyStart | undefined;
}

/** Work a target started for one step before its values were read (see `startEarly`). */
export interface EarlyStart {
  /** Ends it unless the step used it; called by the engine when the step ends, however it ends. */
  drop(): void;
}

/** Values a step may need, loaded only when asked for (each is at most one Secrets Manager call). */
export interface LazyValues<TValue> {
  current(): Promise<TValue>;
  previous(): Promise<TValue | undefined>;
}

/** Another secret a step reads (a master or admin secret): its AWSCURRENT value, and its metadata if `describe`. */
export interface RelatedSecretRead {
  readonly secretId: string;
  readonly describe: boolean;
}

/**
 * What a rotation strategy provides. The engine owns the Secrets Manager protocol (preamble,
 * staging labels, idempotency of create and finish); a target only knows its own system.
 * Every method must be safe to call again after a crash at any point.
 */
export interface RotationTarget<TValue> {
  /** Short name for logs, e.g. `postgres-single-user`. */
  readonly name: string;
  /** Parses and validates a stored value. Throws an error naming the key at fault, never its content. */
  parse(secretString: string): TValue;
  serialize(value: TValue): string;
  /** A new value derived from the current one (unknown keys must be carried over). */
  generate(current: TValue, context: RotationContext): Promise<TValue>;
  /**
   * Which of the secret's own versions `set` always asks `values` for, so they can be read ahead
   * (AWSPREVIOUS, read only when AWSCURRENT fails, is not read ahead).
   */
  readonly setReads?: readonly 'current'[];
  /**
   * The other secrets `step` will read for `value`, or, when `value` is undefined, those the
   * function's own configuration names (e.g. the one allowed master secret). Only a hint for reading
   * ahead: the step still reads, checks and refuses exactly as it would without it.
   */
  relatedSecrets?(step: RotationStep, value: TValue | undefined): readonly RelatedSecretRead[];
  /**
   * Called as a step starts, alongside its first Secrets Manager reads (only when the engine reads
   * ahead), with the ids of the other secrets the step is expected to read: work that needs none of
   * their values may start here, such as a connection to where a related secret's database was when
   * this container last read it. What it returns reaches this step's methods as `context.earlyStart`
   * (never another step's), and is dropped when the step ends. It must not throw: a failure here
   * only costs the head start.
   */
  startEarly?(step: RotationStep, related: readonly string[]): EarlyStart | undefined;
  /** Makes the target system accept `pending`; returns early when it already does. */
  set(pending: TValue, values: LazyValues<TValue>, context: RotationContext): Promise<void>;
  /** Proves `value` works against the target system. */
  test(value: TValue, context: RotationContext): Promise<void>;
  /** Undoes whatever `generate` created outside Secrets Manager when the value could not be stored. */
  discard?(generated: TValue, context: RotationContext): Promise<void>;
  /**
   * Runs after AWSCURRENT moved, and again whenever finishSecret is retried, so it must reconcile
   * (e.g. revoke what is neither current nor previous) rather than act on a one-off delta.
   */
  afterFinish?(values: LazyValues<TValue>, context: RotationContext): Promise<void>;
}
