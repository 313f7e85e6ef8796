/** The Region of a Secrets Manager ARN (`arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>`). */
export function regionOfArn(arn: string): string | undefined {
  return arn.startsWith('arn:') ? arn.split(':')[3] : undefined;
}

/** The same secret's ARN in another Region: how AWS names a replica. */
export function arnInRegion(arn: string, region: string): string {
  const parts = arn.split(':');
  parts[3] = region;
  return parts.join(':');
}

/** AWS's Region code pattern (`ReplicationStatusType.Region`, `ReplicaRegionType.Region`). */
export const REGION_CODE = /^([a-z]+-)+\d+$/;
