/** One rotation attempt as the local stack records it (ids, steps, timings, error; never values). */
export interface LocalRotationRecord {
  readonly versionId: string;
  readonly kind: string;
  readonly outcome: 'running' | 'succeeded' | 'failed';
  readonly steps: ReadonlyArray<{
    readonly step: string;
    readonly attempt: number;
    readonly outcome: string;
  }>;
  readonly error?: { readonly type: string; readonly message: string };
}

/**
 * The local stack's rotation records, when the endpoint is the local stack. Real Secrets Manager
 * has no such view (its outcomes go to CloudTrail and the function's logs), so any failure here
 * just means "not available".
 */
export async function localRotations(
  endpoint: string | undefined,
  secretArn: string,
): Promise<LocalRotationRecord[] | undefined> {
  if (endpoint === undefined) return undefined;
  try {
    const url = new URL('/_local/rotations', endpoint);
    url.searchParams.set('secretId', secretArn);
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { rotations?: LocalRotationRecord[] };
    return body.rotations;
  } catch {
    return undefined;
  }
}
