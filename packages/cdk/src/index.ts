export { bundleDirectory } from './bundles.js';
export {
  ROTATION_FUNCTION_NAMES,
  ROTATION_FUNCTIONS,
  type RotationFunctionDefinition,
  type RotationFunctionName,
} from './functionDefinitions.js';
export { type LocalFunction, localFunctions } from './localFunctions.js';
export { NAG_ACKNOWLEDGEMENTS, type NagAcknowledgement, nagRuleId } from './nagAcknowledgements.js';
export {
  type ApiTokenRotationOptions,
  type LogLevel,
  type PostgresAlternatingUsersRotationOptions,
  type PostgresNetworkOptions,
  type PostgresSingleUserRotationOptions,
  type RotationFunction,
  RotationFunctions,
  type RotationFunctionsProps,
  type RotationOptions,
} from './RotationFunctions.js';
export { ServiceSecret, type ServiceSecretProps } from './ServiceSecret.js';
export { matchesSecretPattern } from './secretPattern.js';
