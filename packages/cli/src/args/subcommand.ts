import type { AuditEventName } from '@gatehouse/common';
import { usage } from '../cli-error.js';
import type { CommandContext } from '../command.js';
import { auditAdminChange } from './audit-admin-change.js';
import { helpRequested } from './help-requested.js';
import type { OptionSpecs, OptionValues } from './option-spec.js';
import { parseOptions } from './parse-options.js';

/** How a subcommand is declared: what it takes, what `--help` says about it, and what it does. */
export interface SubcommandSpec<O extends OptionSpecs> {
  /** Its words after `gatehouse`, e.g. `users add`. */
  readonly path: string;
  /** What follows the path in the usage line, e.g. `<username> --email <e> --password-stdin [--name <n>]`. */
  readonly synopsis: string;
  /** One line: what it does. */
  readonly summary: string;
  /** The name of the one operand it requires (`username`), if it takes one; it takes none otherwise. */
  readonly operand?: string;
  /** The operand may be left out (the subcommand then says what it needs instead: `sessions revoke --user`). */
  readonly operandOptional?: boolean;
  readonly options: O;
  /** Lines printed under the options by `--help`. */
  readonly notes?: readonly string[];
  /**
   * Whether a successful run is a change the audit log records (`admin.<path>`): always, or for the options
   * given (`users roles` only when it adds or removes). `also` names further events and `target` what changed
   * (`keys rotate`: `key.rotated`, the API's key or the auth server's).
   */
  audit?(values: OptionValues<O>): { also?: readonly AuditEventName[]; target?: string } | false;
  run(
    context: CommandContext,
    input: { readonly operand: string; readonly values: OptionValues<O> },
  ): Promise<number>;
}

/** A subcommand, ready for {@link runSubcommands}. */
export interface Subcommand {
  /** Its own word (`add`). */
  readonly name: string;
  readonly summary: string;
  /** The whole usage line, `gatehouse users add <username> …`. */
  readonly usage: string;
  /** Prints its usage on `--help`; otherwise parses the arguments and runs. */
  run(context: CommandContext, args: readonly string[]): Promise<number>;
}

/**
 * Builds a subcommand from its declaration: `--help` (or `-h`) prints the usage and exits 0; a bad argument is
 * a usage error (exit 2) of one line pointing at `--help`; otherwise `run` gets the operand (empty when it
 * takes none) and the options given.
 *
 * @example
 * const remove = subcommand({ path: 'users remove', synopsis: '<username>', summary: 'remove a user',
 *   operand: 'username', options: {}, run: async (context, { operand }) => … });
 */
export function subcommand<const O extends OptionSpecs>(spec: SubcommandSpec<O>): Subcommand {
  const usageLine = `gatehouse ${spec.path} ${spec.synopsis}`.trimEnd();
  const hint = ` (see gatehouse ${spec.path} --help)`;
  return {
    name: spec.path.split(' ').at(-1) ?? spec.path,
    summary: spec.summary,
    usage: usageLine,
    async run(context, args) {
      if (helpRequested(args)) {
        context.stdout.write(helpText(usageLine, spec));
        return 0;
      }
      const { values, operands } = parseOptions(args, spec.options, hint);
      const [operand, extra] = operands;
      if (spec.operand === undefined) {
        if (operand !== undefined) throw usage(`unexpected argument "${operand}"${hint}`);
      } else if (operand === undefined) {
        if (!spec.operandOptional) throw usage(`the ${spec.operand} is missing${hint}`);
      } else if (extra !== undefined) {
        throw usage(`unexpected argument "${extra}": it takes one ${spec.operand}${hint}`);
      }
      const code = await spec.run(context, { operand: operand ?? '', values });
      const audited = code === 0 ? spec.audit?.(values) : false;
      if (audited) auditAdminChange(context, spec.path, operand ?? '', audited.also, audited.target);
      return code;
    },
  };
}

function helpText(usageLine: string, spec: SubcommandSpec<OptionSpecs>): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, option]) => [
    `--${name}${option.value === undefined ? '' : ` ${option.value}`}`,
    option.help,
  ]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [
    `Usage: ${usageLine}`,
    '',
    `${capitalize(spec.summary)}.`,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ];
  if (spec.notes !== undefined && spec.notes.length > 0) lines.push('', ...spec.notes);
  return `${lines.join('\n')}\n`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
