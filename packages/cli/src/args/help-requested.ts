/**
 * True when `--help` or `-h` is among the arguments (before a `--`, after which everything is an operand): any
 * command or subcommand then prints its usage on standard output and exits 0, whatever else was given.
 */
export function helpRequested(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
