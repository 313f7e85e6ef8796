import type { AwsCredentialIdentity } from '@smithy/types';
import { type Env, optionalString } from '../config/env.js';

/**
 * The function role's credentials, which Lambda puts in the environment, or `undefined` outside
 * Lambda (then the SDK's default chain finds them). Read here so a cold start in Lambda never loads
 * that chain (profiles, SSO, web identity, IMDS…) only to have its first link answer from the
 * environment.
 */
export function lambdaCredentials(env: Env): AwsCredentialIdentity | undefined {
  if (optionalString(env, 'AWS_LAMBDA_FUNCTION_NAME') === undefined) return undefined;
  const accessKeyId = optionalString(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = optionalString(env, 'AWS_SECRET_ACCESS_KEY');
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = optionalString(env, 'AWS_SESSION_TOKEN');
  const expiration = optionalString(env, 'AWS_CREDENTIAL_EXPIRATION');
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(expiration === undefined ? {} : { expiration: new Date(expiration) }),
  };
}
