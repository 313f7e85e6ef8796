import { describeFailure, main } from './main.js';

// The SDK's notice about the Node version it will require (printed on every command) says nothing
// about what the operator asked; the supported Node versions are in the README.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = exitCode;
}
