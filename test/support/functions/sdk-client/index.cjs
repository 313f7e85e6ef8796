// Test function: makes an AWS SDK client, as every rotation function does, and writes a warning of
// its own, so a test can tell which warnings reach the function's output.
const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager');

exports.handler = async () => {
  const client = new SecretsManagerClient({});
  client.destroy();
  process.emitWarning('a warning of the function itself', 'FunctionWarning');
  return { node: process.version };
};
