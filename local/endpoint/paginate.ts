import { AwsServiceError } from './AwsServiceError.js';
import type { RequestInput } from './RequestInput.js';

/** MaxResults / NextToken paging; the token is an opaque offset. */
export function paginate<T>(items: readonly T[], input: RequestInput, maxResults = 100) {
  const max = input.integer('MaxResults', { min: 1, max: maxResults }) ?? maxResults;
  const token = input.string('NextToken', { min: 1, max: 4096 });
  let start = 0;
  if (token !== undefined) {
    start = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) {
      throw new AwsServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');
    }
  }
  const end = start + max;
  return {
    items: items.slice(start, end),
    next: end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {},
  };
}
