import { type SecretMetadata, STAGE, versionWithStage } from '../secrets/SecretMetadata.js';
import {
  RotationNotEnabledError,
  StuckRotationError,
  UnknownVersionError,
  VersionNotPendingError,
} from './errors.js';

export type PreambleOutcome = 'rotate' | 'alreadyCurrent';

/**
 * The checks every step makes before touching anything. `alreadyCurrent` covers both a finished
 * rotation being replayed and AWSPENDING left on the current version after a success.
 */
export function checkPreamble(metadata: SecretMetadata, versionId: string): PreambleOutcome {
  if (!metadata.rotationEnabled) throw new RotationNotEnabledError(metadata.arn);
  const stages = metadata.versions.get(versionId);
  if (stages === undefined) throw new UnknownVersionError(metadata.arn, versionId);
  if (stages.includes(STAGE.current)) return 'alreadyCurrent';
  if (stages.includes(STAGE.pending)) return 'rotate';
  const pendingHolder = versionWithStage(metadata, STAGE.pending);
  const currentHolder = versionWithStage(metadata, STAGE.current);
  if (pendingHolder !== undefined && pendingHolder !== currentHolder) {
    throw new StuckRotationError(metadata.arn, versionId, pendingHolder);
  }
  throw new VersionNotPendingError(metadata.arn, versionId);
}
