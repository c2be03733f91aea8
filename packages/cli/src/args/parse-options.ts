import { parseArgs } from 'node:util';
import { usage } from '../cli-error.js';
import type { OptionSpecs, OptionValues } from './option-spec.js';

/**
 * Reads a subcommand's arguments against its options, with error messages of our own: node:util's parseArgs
 * is used only to split the arguments into tokens (non-strict, so it never throws its own text, such as "To
 * specify a positional argument starting with a '-'…", at a user). Every problem is one usage error (exit 2)
 * ending with `hint` (where to read the usage).
 */
export function parseOptions<const O extends OptionSpecs>(
  args: readonly string[],
  options: O,
  hint: string,
): { readonly values: OptionValues<O>; readonly operands: readonly string[] } {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [name, { type: option.type }]),
  );
  const { tokens } = parseArgs({
    args: [...args],
    options: config,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Record<string, string | string[] | boolean> = {};
  const operands: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') operands.push(token.value);
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw usage(`unknown option ${token.rawName}${hint}`);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw usage(`${token.rawName} takes no value${hint}`);
      values[token.name] = true;
      continue;
    }
    const { value } = token;
    if (value === undefined) throw usage(`${token.rawName} needs a value${hint}`);
    // Non-strict parsing takes the next argument whatever it is: `--email --name x` is a forgotten value.
    if (!token.inlineValue && value.startsWith('-')) {
      throw usage(
        `${token.rawName} needs a value (one that starts with "-" is written ${token.rawName}=${value})${hint}`,
      );
    }
    const previous = values[token.name];
    values[token.name] = option.multiple ? [...(Array.isArray(previous) ? previous : []), value] : value;
  }
  return { values: values as OptionValues<O>, operands };
}
