import { usage } from '../cli-error.js';
import type { CommandContext } from '../command.js';
import { helpRequested } from './help-requested.js';
import type { Subcommand } from './subcommand.js';

/** A command made of subcommands (`gatehouse users add|list|…`). */
export interface CommandWithSubcommands {
  /** `users`. */
  readonly name: string;
  /** One line: what its subcommands work on. */
  readonly summary: string;
  readonly subcommands: readonly Subcommand[];
  /** Lines printed at the end of its `--help`. */
  readonly notes?: readonly string[];
}

/**
 * Runs the subcommand named by the first argument, or prints the command's usage (`gatehouse users --help`,
 * exit 0). A missing or unknown subcommand is a usage error (exit 2) naming the ones there are.
 */
export function runSubcommands(context: CommandContext, command: CommandWithSubcommands): Promise<number> {
  const [name, ...args] = context.args;
  const names = command.subcommands.map((sub) => sub.name).join(', ');
  const hint = ` (see gatehouse ${command.name} --help)`;
  if (name === undefined) throw usage(`expected a subcommand: ${names}${hint}`);
  if (name === 'help' || helpRequested([name])) {
    context.stdout.write(commandHelp(command));
    return Promise.resolve(0);
  }
  const sub = command.subcommands.find((candidate) => candidate.name === name);
  if (sub === undefined) throw usage(`unknown subcommand "${name}": expected one of ${names}${hint}`);
  return sub.run(context, args);
}

function commandHelp(command: CommandWithSubcommands): string {
  const width = Math.max(...command.subcommands.map((sub) => sub.name.length));
  const lines = [
    `Usage: gatehouse ${command.name} <subcommand> [options]`,
    '',
    `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Subcommands:',
    ...command.subcommands.map((sub) => `  ${sub.name.padEnd(width)}  ${sub.summary}`),
    '',
    `gatehouse ${command.name} <subcommand> --help shows a subcommand's options.`,
  ];
  if (command.notes !== undefined && command.notes.length > 0) lines.push(...command.notes);
  return `${lines.join('\n')}\n`;
}
