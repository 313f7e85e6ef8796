import { regionOfArn } from '../endpoint/arns.js';
import type { LocalSecretsManager } from '../endpoint/LocalSecretsManager.js';
import type { SecretLocation } from './buildConsoleState.js';

/**
 * Every secret of every Region the endpoint holds, not scheduled for deletion, by ARN, name and
 * Region only: the console then reads each through the API, which never answers with more than
 * the operation asks for. The records themselves carry values and go no further than here.
 */
export function secretLocations(store: LocalSecretsManager): SecretLocation[] {
  return store
    .all()
    .filter((record) => record.deletionDate === undefined)
    .map((record) => ({
      arn: record.arn,
      name: record.name,
      region: regionOfArn(record.arn) ?? store.region,
    }));
}
