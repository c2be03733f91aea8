import { usage } from '../cli-error.js';
import type { CommandContext } from '../command.js';

/** One `gatehouse <command> <subcommand>` handler: the subcommand's own arguments in, the exit code out. */
export type Subcommand = (context: CommandContext, args: readonly string[]) => Promise<number>;

/**
 * Runs the subcommand named by the first argument (`users add …` → `handlers.add`), or fails with a usage error
 * (exit 2) listing every synopsis. Shared by `gatehouse users`, `clients` and `keys`.
 */
export function runSubcommand(
  context: CommandContext,
  handlers: Readonly<Record<string, Subcommand>>,
  synopsis: Readonly<Record<string, string>>,
): Promise<number> {
  const [name, ...args] = context.args;
  const handler = name !== undefined && Object.hasOwn(handlers, name) ? handlers[name] : undefined;
  if (handler === undefined) {
    throw usage(`expected a subcommand; usage: ${Object.values(synopsis).join(' | ')}`);
  }
  return handler(context, args);
}
