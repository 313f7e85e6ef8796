import { invalidParameter, validation } from './AwsServiceError.js';
import { primaryRegion } from './describeRecord.js';
import type { RequestInput } from './RequestInput.js';
import type { SecretRecord } from './SecretRecord.js';

/** API_Filter: the keys ListSecrets and BatchGetSecretValue accept. */
const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

export interface SecretFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

const isFilterKey = (key: string): key is FilterKey => (FILTER_KEYS as readonly string[]).includes(key);

/**
 * Filters as API_Filter constrains them: at most 10, each with a known Key and 1 to 10 Values of at
 * most 512 characters. Checked before any secret is looked at, so a bad filter fails the same way
 * in an empty Region.
 */
export function readFilters(input: RequestInput): SecretFilter[] {
  const given = input.objectList('Filters') ?? [];
  if (given.length > 10) throw invalidParameter('You can specify at most 10 filters.');
  return given.map((filter, index) => {
    const key = filter['Key'];
    if (typeof key !== 'string' || !isFilterKey(key)) {
      throw validation(
        String(key),
        `filters.${index + 1}.member.key`,
        `Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    const values = filter['Values'];
    if (!Array.isArray(values) || values.length < 1 || values.length > 10) {
      throw validation(
        JSON.stringify(values ?? null),
        `filters.${index + 1}.member.values`,
        'Member must have length between 1 and 10',
      );
    }
    for (const value of values) {
      if (typeof value !== 'string' || value.length > 512 || !VALUE_PATTERN.test(value)) {
        throw invalidParameter(
          'Each filter value must be at most 512 letters, digits, spaces or any of :_@/+=.-! characters.',
        );
      }
    }
    return { key, values: values as string[] };
  });
}

/**
 * The words Secrets Manager searches by (Find secrets in Secrets Manager, user guide): split on
 * anything but letters and digits, at a change from lower to upper case, and between letters and
 * digits; compared in lower case. `credsDatabase#892` is `creds`, `database`, `892`.
 */
export function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** Some word of `text` starts with `word`. */
const hasWord = (text: string | undefined, word: string) =>
  text !== undefined && words(text).some((candidate) => candidate.startsWith(word));

/**
 * Every word of the value starts a word of `text`. A value with no word at all (only punctuation,
 * or empty) matches nothing: there is nothing to search for.
 */
function hasEveryWord(text: string | undefined, value: string): boolean {
  const wanted = words(value);
  return wanted.length > 0 && wanted.every((word) => hasWord(text, word));
}

/**
 * What `all` searches (API_Filter: "searches all attributes"): the attributes the other keys
 * filter on, each on its own.
 */
function searchedAttributes(record: SecretRecord): Array<string | undefined> {
  return [
    record.name,
    record.description,
    ...record.tags.flatMap((tag) => [tag.Key, tag.Value]),
    primaryRegion(record),
    record.owningService,
  ];
}

function matchesValue(record: SecretRecord, key: FilterKey, value: string): boolean {
  const prefixOf = (text: string | undefined) => text?.startsWith(value) ?? false;
  switch (key) {
    case 'name':
      return prefixOf(record.name);
    case 'tag-key':
      return record.tags.some((tag) => prefixOf(tag.Key));
    case 'tag-value':
      return record.tags.some((tag) => prefixOf(tag.Value));
    case 'primary-region':
      return prefixOf(primaryRegion(record));
    case 'owning-service':
      return prefixOf(record.owningService);
    case 'description':
      // API_Filter: prefix match, not case-sensitive; the user guide: it matches words, so
      // "My Description" finds "Description of my secret". Every word must start a word.
      return hasEveryWord(record.description, value);
    case 'all':
      // API_Filter: the value is broken into words, searched in every attribute, in any case. As
      // with description, every word of the value must start a word of one attribute: AWS lists
      // only SecretOne… for `SecretOne`, not every secret whose name has the word `secret`.
      return searchedAttributes(record).some((attribute) => hasEveryWord(attribute, value));
    default: {
      const unknown: never = key;
      throw new Error(`unhandled filter key ${String(unknown)}`);
    }
  }
}

/** Several filters must all match; within one, any value. A value starting with `!` negates. */
export function matchesFilters(record: SecretRecord, filters: readonly SecretFilter[]): boolean {
  return filters.every((filter) =>
    filter.values.some((value) =>
      value.startsWith('!')
        ? !matchesValue(record, filter.key, value.slice(1))
        : matchesValue(record, filter.key, value),
    ),
  );
}
