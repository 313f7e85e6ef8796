import { invalidParameter } from './AwsServiceError.js';
import type { Tag } from './SecretRecord.js';

const MAX_USER_TAGS = 50;

/**
 * AWS reserves tag keys starting with `aws:` for its own services (RDS tags the master secrets it
 * manages this way): no API caller may add, change or remove one. Matched in any letter case, the
 * stricter reading, so that nothing refused on AWS is accepted here.
 */
export function isReservedTagKey(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

/** AWS's answer to TagResource with a reserved key; UntagResource gets the same here. */
export function refuseReservedTagKeys(keys: readonly string[]): void {
  const reserved = keys.find(isReservedTagKey);
  if (reserved !== undefined) throw invalidParameter(`You can't modify system tags. Tag key: '${reserved}'.`);
}

/** Tags with the reserved prefix do not count against the 50 tags a secret may carry. */
export function refuseTooManyTags(tags: readonly Tag[]): void {
  if (tags.filter((tag) => !isReservedTagKey(tag.Key)).length > MAX_USER_TAGS) {
    throw invalidParameter(`A secret can have at most ${MAX_USER_TAGS} tags.`);
  }
}

/**
 * Tags as a request (or an in-process caller) gave them, checked for shape, size and count.
 * Reserved `aws:` keys are refused unless `allowReserved`, which only AWS's own services have.
 */
export function validTags(
  given: readonly Record<string, unknown>[],
  options: { readonly allowReserved: boolean },
): Tag[] {
  const tags = given.map((tag) => {
    const key = tag['Key'];
    const value = tag['Value'] ?? '';
    if (
      typeof key !== 'string' ||
      key.length < 1 ||
      key.length > 128 ||
      typeof value !== 'string' ||
      value.length > 256
    ) {
      throw invalidParameter('Each tag needs a Key of 1 to 128 characters and a Value of at most 256.');
    }
    return { Key: key, Value: value };
  });
  if (!options.allowReserved) refuseReservedTagKeys(tags.map((tag) => tag.Key));
  refuseTooManyTags(tags);
  return tags;
}
