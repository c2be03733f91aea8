import { CliError } from './cli-error.js';
import type { Command, CommandContext } from './command.js';
import { commands } from './commands/index.js';

/**
 * Runs `gatehouse <command> …` and resolves to the exit code: 0 success, 1 failure (including invalid
 * configuration), 2 bad arguments. Errors the user can act on are one line on stderr, never a stack.
 */
export async function main(argv: readonly string[], context: Omit<CommandContext, 'args'>): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(helpText(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    context.stderr.write(`gatehouse: unknown command "${name}" (try gatehouse --help)\n`);
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
    throw error;
  }
}

function helpText(list: readonly Command[]): string {
  const width = Math.max(...list.map((command) => command.name.length));
  const lines = list.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: gatehouse <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nEvery command keeps its state in DATA_DIR (default ./.data).\n`;
}
