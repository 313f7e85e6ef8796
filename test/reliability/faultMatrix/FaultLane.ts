import { ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FaultKind, FaultPlan } from '../../../local/faults/FaultPlan.js';

/** One secret set up for one trial, with the invariants its kind of rotation must keep. */
export interface TrialSubject {
  readonly arn: string;
  /** The version that was AWSCURRENT before the rotation. */
  readonly originalVersion: string;
  /** Broken invariants that must hold at every moment (checked after every invocation). */
  during(): Promise<string[]>;
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
 * Version bookkeeping every rotation keeps at every moment: one AWSCURRENT, at most one
 * AWSPENDING, and the original version never lost (it is AWSCURRENT or, after finishSecret,
 * AWSPREVIOUS).
 */
export async function versionViolations(
  client: SecretsManagerClient,
  arn: string,
  originalVersion: string,
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
  const violations = await versionViolations(client, arn, originalVersion);
  if (!stages(versionId).includes('AWSCURRENT')) violations.push('the new version is not AWSCURRENT');
  if (!stages(originalVersion).includes('AWSPREVIOUS'))
    violations.push('the original version is not AWSPREVIOUS');
  return violations;
}
