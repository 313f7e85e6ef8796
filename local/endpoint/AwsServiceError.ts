/** Exception names Secrets Manager answers with; the SDK maps `__type` to its classes. */
export type AwsErrorType =
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'InvalidParameterException'
  | 'InvalidRequestException'
  | 'ResourceExistsException'
  | 'LimitExceededException'
  | 'InvalidNextTokenException'
  | 'MalformedPolicyDocumentException'
  | 'PublicPolicyException'
  | 'ThrottlingException'
  | 'ValidationException'
  | 'InternalServiceError'
  | 'SerializationException'
  | 'UnknownOperationException';

/** An error the endpoint returns as HTTP 400 `{"__type", "message"}`. Messages never carry values. */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';

  constructor(
    readonly type: AwsErrorType,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message);
export const invalidParameter = (message: string) =>
  new AwsServiceError('InvalidParameterException', message);
export const invalidRequest = (message: string) => new AwsServiceError('InvalidRequestException', message);

/**
 * A request that breaks the API model itself (an enum value, a list length): AWS answers these
 * before the operation runs, in its own wording, as ValidationException.
 */
export const validation = (value: string, member: string, constraint: string) =>
  new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
