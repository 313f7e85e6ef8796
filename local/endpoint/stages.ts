import { type SecretRecord, type VersionRecord, versionWithStage } from './SecretRecord.js';

const MAX_DEPRECATED_VERSIONS = 100;

/**
 * Puts `stage` on `version` and off every other version. Moving AWSCURRENT moves AWSPREVIOUS to
 * the version that lost it, which is what makes a rollback target always exist.
 */
export function attachStage(record: SecretRecord, stage: string, version: VersionRecord): void {
  const holder = versionWithStage(record, stage);
  if (holder === version) return;
  if (holder !== undefined) holder.stages = holder.stages.filter((s) => s !== stage);
  version.stages.push(stage);
  if (stage === 'AWSCURRENT' && holder !== undefined) {
    const previous = versionWithStage(record, 'AWSPREVIOUS');
    if (previous !== undefined) previous.stages = previous.stages.filter((s) => s !== 'AWSPREVIOUS');
    holder.stages.push('AWSPREVIOUS');
  }
}

export function detachStage(record: SecretRecord, stage: string): void {
  for (const version of record.versions) version.stages = version.stages.filter((s) => s !== stage);
}

/** Secrets Manager keeps a bounded number of unlabelled versions and drops the oldest. */
export function pruneDeprecated(record: SecretRecord): void {
  const deprecated = record.versions.filter((version) => version.stages.length === 0);
  const excess = deprecated.length - MAX_DEPRECATED_VERSIONS;
  if (excess <= 0) return;
  const drop = new Set(deprecated.slice(0, excess));
  record.versions = record.versions.filter((version) => !drop.has(version));
}
