/** A piece of a client's byte stream, as a fault proxy sees it. */
export type ProxiedUnit =
  /** Bytes that are not a call of their own (a TLS-less handshake part, a password message). */
  | { readonly kind: 'pass'; readonly bytes: Buffer }
  | {
      readonly kind: 'call';
      readonly bytes: Buffer;
      /** What the call is, without any value from it: `secretsmanager PutSecretValue`, `postgres ALTER ROLE`. */
      readonly label: string;
      /** The same for every retry of this call by the client's own retry logic. */
      readonly retryKey?: string;
      /** The service's own error answer for this call. */
      readonly errorReply: Buffer;
      /** Whether the connection cannot go on after the error answer (a failed Postgres login). */
      readonly closeAfterError?: boolean;
    };

/** Splits a client's stream into units. */
export interface RequestFramer {
  feed(chunk: Buffer): ProxiedUnit[];
}

/** Says when the service's answer to the call just forwarded is complete. */
export interface ResponseWatcher {
  /** Feeds answer bytes; true once the answer is complete. */
  feed(chunk: Buffer): boolean;
}
