/** Stable codes for command-line failures. */
export type CliErrorCode = 'ERR_CLI_USAGE' | 'ERR_CLI_FAILED';

/**
 * A command failed in a way the user can fix. `ERR_CLI_USAGE` (bad arguments) exits 2, anything else exits 1;
 * `message` is printed as one line, without a stack.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}

/** Shorthand for a usage error (exit 2). */
export function usage(message: string): CliError {
  return new CliError('ERR_CLI_USAGE', message);
}
