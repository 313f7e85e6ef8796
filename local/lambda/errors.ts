/** No built bundle for the function a RotationLambdaARN names. */
export class FunctionNotFoundError extends Error {
  override readonly name = 'FunctionNotFoundError';

  constructor(
    readonly functionName: string,
    readonly path: string,
  ) {
    super(`No rotation function ${functionName}: ${path} does not exist. Run npm run build.`);
  }
}
