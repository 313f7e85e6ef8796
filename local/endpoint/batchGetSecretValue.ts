import { AwsServiceError, invalidParameter } from './AwsServiceError.js';
import { paginate } from './paginate.js';
import type { RegionalSecrets } from './RegionalSecrets.js';
import { RequestInput } from './RequestInput.js';
import { matchesFilters, readFilters } from './secretFilters.js';
import { getSecretValue } from './versionOperations.js';

/** A secret's AWSCURRENT value as a SecretValueEntry, or its error as an APIErrorType entry. */
function entry(sm: RegionalSecrets, secretId: string) {
  try {
    return { value: getSecretValue(sm, new RequestInput({ SecretId: secretId })) };
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return { error: { SecretId: secretId, ErrorCode: error.type, Message: error.message } };
  }
}

/**
 * API_BatchGetSecretValue: the AWSCURRENT values of up to 20 secrets named in SecretIdList, or of
 * the secrets that match Filters, a page (MaxResults, at most 20) at a time. A secret that cannot
 * be read does not fail the call: it is reported in Errors. Each read is a GetSecretValue, as AWS
 * logs it, so LastAccessedDate moves as it does there.
 */
export function batchGetSecretValue(sm: RegionalSecrets, input: RequestInput) {
  const ids = input.stringList('SecretIdList');
  const filtered = input.body['Filters'] !== undefined;
  if ((ids === undefined) === !filtered) {
    throw invalidParameter('You must include Filters or SecretIdList, but not both.');
  }
  if (ids !== undefined) {
    if (ids.length < 1 || ids.length > 20) throw invalidParameter('SecretIdList must name 1 to 20 secrets.');
    if (input.body['MaxResults'] !== undefined) {
      throw invalidParameter('MaxResults can only be used with Filters.');
    }
    const entries = ids.map((id) => entry(sm, id));
    return {
      SecretValues: entries.flatMap((e) => (e.value === undefined ? [] : [e.value])),
      Errors: entries.flatMap((e) => (e.error === undefined ? [] : [e.error])),
    };
  }
  const filters = readFilters(input);
  const matching = sm
    .all()
    .filter((record) => record.deletionDate === undefined && matchesFilters(record, filters))
    .sort((a, b) => a.createdDate - b.createdDate)
    .map((record) => record.arn);
  const page = paginate(matching, input, 20);
  const entries = page.items.map((arn) => entry(sm, arn));
  return {
    SecretValues: entries.flatMap((e) => (e.value === undefined ? [] : [e.value])),
    Errors: entries.flatMap((e) => (e.error === undefined ? [] : [e.error])),
    ...page.next,
  };
}
