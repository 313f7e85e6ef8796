/**
 * The `name` of every error class the suite throws (shared/ and the consumer library it bundles).
 * A list rather than a pattern because `errorClass` is a metric dimension: each value is a metric of
 * its own, so the set must stay bounded whatever a dependency throws. A test fails when a new class
 * is missing here.
 */
export const PROJECT_ERROR_CLASSES = [
  'AdminSettingsError',
  'AuthenticationMethodError',
  'CloneNameTooLongError',
  'CloneNotMemberError',
  'ConfigError',
  'CurrentValueMissingError',
  'HostMismatchError',
  'InvalidRotationEventError',
  'InvalidSecretValueError',
  'MasterSecretError',
  'MasterSecretNotAllowedError',
  'NoWorkingCredentialsError',
  'PendingIdentityChangedError',
  'PendingValueConflictError',
  'PendingValueMissingError',
  'PostgresCheckFailedError',
  'PostgresConnectionError',
  'PostgresIdentityError',
  'PostgresLoginRejectedError',
  'PostgresStatementError',
  'PostgresTlsError',
  'PrivilegedRoleError',
  'PrivilegedValueReturnedError',
  'ProviderOriginError',
  'ProviderRedirectError',
  'ProviderResponseError',
  'ProviderUnavailableError',
  'RoleMissingError',
  'RotationNotEnabledError',
  'SecretFormatError',
  'SecretRotatedByThisFunctionError',
  'SecretsManagerCallError',
  'SingleLiveTokenError',
  'StuckRotationError',
  'TlsConfigError',
  'TlsDowngradeError',
  'TokenRejectedError',
  'TokenScopeError',
  'TokenSecretError',
  'UnknownVersionError',
  'UnprovenSecretError',
  'VersionNotPendingError',
] as const;

/**
 * AWS SDK and platform error names an unwrapped error may carry: the few a rotation can meet, so
 * that they stay recognisable without letting any name through.
 */
export const KNOWN_AWS_ERROR_NAMES = [
  'AbortError',
  'AccessDeniedException',
  'CredentialsProviderError',
  'DBClusterNotFoundFault',
  'DBInstanceNotFoundFault',
  'DecryptionFailure',
  'ExpiredTokenException',
  'InternalServiceError',
  'InvalidParameterException',
  'InvalidRequestException',
  'LimitExceededException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'TimeoutError',
  'TooManyRequestsException',
  'UnrecognizedClientException',
] as const;

/** Anything else: a bug, or a dependency's error no class of ours wraps yet. */
export const UNEXPECTED_ERROR_CLASS = 'Unexpected';

export type ErrorClass =
  | (typeof PROJECT_ERROR_CLASSES)[number]
  | (typeof KNOWN_AWS_ERROR_NAMES)[number]
  | typeof UNEXPECTED_ERROR_CLASS;

const BOUNDED: ReadonlySet<string> = new Set<string>([...PROJECT_ERROR_CLASSES, ...KNOWN_AWS_ERROR_NAMES]);

/** The `errorClass` dimension of a failed step: always one of a fixed set of values. */
export function errorClassOf(error: unknown): ErrorClass {
  const name = error instanceof Error ? error.name : undefined;
  return name !== undefined && BOUNDED.has(name) ? (name as ErrorClass) : UNEXPECTED_ERROR_CLASS;
}
