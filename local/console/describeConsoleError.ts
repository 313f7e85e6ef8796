import { CliError } from '../../cli/CliError.js';
import { ConsoleBadRequestError, ConsoleRequestRefusedError, PendingVersionChangedError } from './errors.js';

/** An error as the page shows it: its status, name and message (AWS's and ours never carry a value). */
export function describeConsoleError(error: unknown): { status: number; type: string; message: string } {
  if (
    error instanceof ConsoleRequestRefusedError ||
    error instanceof ConsoleBadRequestError ||
    error instanceof PendingVersionChangedError
  )
    return { status: error.status, type: error.name, message: error.message };
  // The CLI's refusals: cancel would drop the credential the target uses, or cannot tell.
  if (error instanceof CliError) return { status: 409, type: 'CancelRefused', message: error.message };
  if (error instanceof Error && '$metadata' in error)
    return { status: 409, type: error.name, message: error.message };
  return {
    status: 500,
    type: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : 'unknown error',
  };
}
