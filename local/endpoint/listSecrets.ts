import { validation } from './AwsServiceError.js';
import { describeRecord } from './describeRecord.js';
import { paginate } from './paginate.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import type { RequestInput } from './RequestInput.js';
import type { SecretRecord } from './SecretRecord.js';
import { matchesFilters, readFilters } from './secretFilters.js';

const SORT_BY = {
  'created-date': (record: SecretRecord) => record.createdDate,
  'last-accessed-date': (record: SecretRecord) => record.lastAccessedDate ?? 0,
  'last-changed-date': (record: SecretRecord) => record.lastChangedDate,
  name: (record: SecretRecord) => record.name,
} as const;
type SortBy = keyof typeof SORT_BY;

function readEnum<T extends string>(
  input: RequestInput,
  name: string,
  member: string,
  allowed: readonly T[],
) {
  const value = input.string(name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw validation(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

/**
 * ListSecrets in the request's Region (API_ListSecrets). Secrets are listed by CreatedDate unless
 * SortBy names another field; oldest first unless SortOrder is `desc`.
 */
export function listSecrets(sm: RegionalSecrets, input: RequestInput) {
  const includeDeleted = input.boolean('IncludePlannedDeletion') ?? false;
  const filters = readFilters(input);
  const sortBy = readEnum(input, 'SortBy', 'sortBy', Object.keys(SORT_BY) as SortBy[]) ?? 'created-date';
  const order = readEnum(input, 'SortOrder', 'sortOrder', ['asc', 'desc'] as const) ?? 'asc';
  const key = SORT_BY[sortBy];
  const direction = order === 'asc' ? 1 : -1;
  const secrets = sm
    .all()
    .filter((record) => includeDeleted || record.deletionDate === undefined)
    .filter((record) => matchesFilters(record, filters))
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return (x < y ? -1 : x > y ? 1 : 0) * direction;
    })
    .map((record) => describeRecord(record, 'SecretVersionsToStages'));
  const page = paginate(secrets, input);
  return { SecretList: page.items, ...page.next };
}
