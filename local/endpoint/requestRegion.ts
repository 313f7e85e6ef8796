import { REGION_CODE } from './arns.js';

/** `Credential=<access key>/<date>/<region>/secretsmanager/aws4_request` in a SigV4 Authorization header. */
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/;

/**
 * The Region a request is for, from its SigV4 credential scope: the SDK and the CLI sign for the
 * Region they were given, and AWS serves each Region at its own endpoint; here one endpoint serves
 * them all. Undefined for an unsigned request (or one whose scope names no Region code).
 */
export function requestRegion(authorization: string | undefined): string | undefined {
  const region = authorization === undefined ? undefined : CREDENTIAL_SCOPE.exec(authorization)?.[1];
  return region !== undefined && region.length <= 128 && REGION_CODE.test(region) ? region : undefined;
}
