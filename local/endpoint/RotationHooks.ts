/** What the local endpoint hands to the rotation runner when a rotation must run. */
export interface RotationRequest {
  readonly secretArn: string;
  readonly secretName: string;
  /** The ClientRequestToken: id of the version the rotation creates (or, for a configuration test, the temporary version). */
  readonly versionId: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>` */
  readonly functionArn: string;
  /** false: a configuration test only (one `testSecret` invocation on a temporary pending version). */
  readonly rotateImmediately: boolean;
  /** `reattempt`: a rotation that failed (all its attempts used) run again with the same token. */
  readonly trigger: 'api' | 'schedule' | 'reattempt';
  /**
   * Records the finished rotation in the endpoint (LastRotatedDate, the next scheduled date). The
   * runner calls it once, after finishSecret succeeded, before it announces RotationSucceeded.
   */
  complete(at: Date): void;
}

/**
 * The seam between the local Secrets Manager and whatever runs rotation functions.
 * The endpoint works without it (RotateSecret then only stages the placeholder), which keeps
 * the store testable on its own.
 */
export interface RotationHooks {
  /**
   * Called after RotateSecret stored the configuration and the AWSPENDING placeholder.
   * For `rotateImmediately: true` it must only start the work and resolve at once (AWS rotates
   * asynchronously). For `rotateImmediately: false` the endpoint awaits it: it resolves when the
   * `testSecret` invocation succeeded and rejects with an Error whose message says why it failed.
   */
  onRotateSecret(request: RotationRequest): Promise<void>;
}
