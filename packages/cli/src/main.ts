import { CliError } from './cli-error.js';
import type { Command, CommandContext } from './command.js';
import { commands } from './commands/index.js';
import { cliVersion } from './version.js';

/**
 * Runs `gatehouse <command> …` and resolves to the exit code: 0 success, 1 failure (including invalid
 * configuration), 2 bad arguments. Errors the user can act on are one line on stderr, never a stack; so is an
 * unexpected one (its stack with `LOG_LEVEL=debug`). `--version` anywhere prints the version; `--help` (or
 * `-h`, or `gatehouse help <command> …`) prints the usage of the command or subcommand it follows.
 */
export async function main(argv: readonly string[], context: Omit<CommandContext, 'args'>): Promise<number> {
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).includes('--version')) {
    context.stdout.write(`gatehouse ${cliVersion()}\n`);
    return 0;
  }
  const [first, ...rest] = argv;
  // `gatehouse help users add` is `gatehouse users add --help`.
  const [name, ...args] = first === 'help' ? [...rest, '--help'] : argv;
  if (name === undefined || name === '--help' || name === '-h') {
    context.stdout.write(helpText(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    context.stderr.write(`gatehouse: unknown command "${name}" (see gatehouse --help)\n`);
    return 2;
  }
  try {
    return await command.run({ ...context, args });
  } catch (error) {
    if (error instanceof CliError) {
      context.stderr.write(`gatehouse ${name}: ${error.message}\n`);
      return error.code === 'ERR_CLI_USAGE' ? 2 : 1;
    }
    // Loaded only now: `gatehouse start` forks the auth server before it loads anything it can do without.
    const { ConfigError } = await import('@gatehouse/common');
    if (error instanceof ConfigError) {
      context.stderr.write(`gatehouse ${name}: ${error.message}\n`);
      return 1;
    }
    const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0];
    const verbose = /^(debug|trace)$/.test(context.env.LOG_LEVEL?.trim() ?? '');
    context.stderr.write(
      verbose && error instanceof Error && error.stack !== undefined
        ? `gatehouse ${name}: unexpected error: ${error.stack}\n`
        : `gatehouse ${name}: unexpected error: ${message} (LOG_LEVEL=debug shows where)\n`,
    );
    return 1;
  }
}

function helpText(list: readonly Command[]): string {
  const width = Math.max(...list.map((command) => command.name.length));
  const lines = list.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: gatehouse <command> [options]',
    '',
    'Secure login for a single-page app and its API through OpenID Connect.',
    '',
    'Commands:',
    ...lines,
    '',
    'gatehouse <command> --help shows the usage of a command (and of a subcommand: gatehouse users add --help).',
    'gatehouse --version prints the version. Every command keeps its state in DATA_DIR (default ./.data), or in PostgreSQL with DATABASE_URL.',
    '',
  ].join('\n');
}
