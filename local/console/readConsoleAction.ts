import type { IncomingMessage } from 'node:http';
import { regionOfArn } from '../endpoint/arns.js';
import { ConsoleBadRequestError } from './errors.js';

const MAX_ACTION_BODY_BYTES = 4 * 1024;

/** The body of a console action: the secret's ARN (its Region signs the call), and a version for cancel. */
export async function readConsoleAction(
  req: IncomingMessage,
): Promise<{ secretArn: string; versionId: string | undefined }> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > MAX_ACTION_BODY_BYTES)
      throw new ConsoleBadRequestError('The body is larger than 4 KiB.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ConsoleBadRequestError('The body is not JSON.');
  }
  const { secretArn, versionId } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof secretArn !== 'string' || regionOfArn(secretArn) === undefined)
    throw new ConsoleBadRequestError('The body must name a secret by its ARN: {"secretArn": "arn:aws:…"}.');
  if (versionId !== undefined && typeof versionId !== 'string')
    throw new ConsoleBadRequestError('versionId must be a string.');
  return { secretArn, versionId };
}
