/** Exception names Secrets Manager answers with; the SDK maps `__type` to its classes. */
export type AwsErrorType =
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'InvalidParameterException'
  | 'InvalidRequestException'
  | 'ResourceExistsException'
  | 'LimitExceededException'
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
