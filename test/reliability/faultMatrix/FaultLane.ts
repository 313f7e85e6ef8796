import { ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FaultKind, FaultPlan } from '../../../testing/faults/FaultPlan.js';

/** One secret set up for one trial, with the invariants its kind of rotation must keep. */
export interface TrialSubject {
  readonly arn: string;
  /** The version that was AWSCURRENT before the rotation. */
  readonly originalVersion: string;
  /**
   * Broken invariants that must hold at every moment (checked after every invocation and while the
   * rotation runs); `rotationVersion` once RotateSecret has named it.
   */
  during(rotationVersion: string | undefined): Promise<string[]>;
  /** Broken invariants once the rotation to `versionId` completed. */
  after(versionId: string): Promise<string[]>;
}

/** One rotation function behind its own fault proxies, so lanes run side by side. */
export interface FaultLane {
  readonly functionName: string;
  readonly plan: FaultPlan;
  readonly kinds: readonly FaultKind[];
  /** Secrets and proxies of the function are ready; `name` is unique per trial. */
  subject(name: string): Promise<TrialSubject>;
  close(): Promise<void>;
}

/**
 * Version bookkeeping every rotation keeps at every moment: one AWSCURRENT and at most one
 * AWSPENDING (Secrets Manager's own rules: a broken endpoint would show here); and what only the
 * function can break: AWSPENDING on no other version than the rotation's, no version besides the
 * original and the rotation's, and the original never lost (AWSCURRENT, or AWSPREVIOUS after
 * finishSecret).
 */
export async function versionViolations(
  client: SecretsManagerClient,
  arn: string,
  originalVersion: string,
  rotationVersion?: string,
): Promise<string[]> {
  const out = await client.send(
    new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true, MaxResults: 100 }),
  );
  const versions = out.Versions ?? [];
  const withStage = (stage: string) => versions.filter((v) => v.VersionStages?.includes(stage));
  const violations: string[] = [];
  if (withStage('AWSCURRENT').length !== 1)
    violations.push(`${withStage('AWSCURRENT').length} versions carry AWSCURRENT`);
  if (withStage('AWSPENDING').length > 1)
    violations.push(`${withStage('AWSPENDING').length} versions carry AWSPENDING`);
  if (rotationVersion !== undefined) {
    if (withStage('AWSPENDING').some((v) => v.VersionId !== rotationVersion))
      violations.push('AWSPENDING is on a version that is not the rotation’s');
    const others = versions.filter((v) => v.VersionId !== originalVersion && v.VersionId !== rotationVersion);
    if (others.length > 0)
      violations.push(`${others.length} version(s) besides the original and the rotation’s`);
  }
  const original = versions.find((v) => v.VersionId === originalVersion);
  if (original === undefined) violations.push('the original version was lost');
  else if (!original.VersionStages?.some((s) => s === 'AWSCURRENT' || s === 'AWSPREVIOUS'))
    violations.push('the original version lost both AWSCURRENT and AWSPREVIOUS');
  return violations;
}

/** After a completed rotation: the new version is AWSCURRENT and the original one AWSPREVIOUS. */
export async function completedViolations(
  client: SecretsManagerClient,
  arn: string,
  originalVersion: string,
  versionId: string,
): Promise<string[]> {
  const out = await client.send(
    new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true, MaxResults: 100 }),
  );
  const stages = (id: string) => out.Versions?.find((v) => v.VersionId === id)?.VersionStages ?? [];
  const violations = await versionViolations(client, arn, originalVersion, versionId);
  if (!stages(versionId).includes('AWSCURRENT')) violations.push('the new version is not AWSCURRENT');
  if (!stages(originalVersion).includes('AWSPREVIOUS'))
    violations.push('the original version is not AWSPREVIOUS');
  return violations;
}
