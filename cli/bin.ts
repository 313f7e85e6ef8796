import { describeFailure, main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = exitCode;
}
