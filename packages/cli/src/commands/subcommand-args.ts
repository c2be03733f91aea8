import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usage } from '../cli-error.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/**
 * A subcommand's options, parsed strictly by node:util's parseArgs; an unknown option, a bad value or any
 * positional argument is a usage error (exit 2) naming the problem and the synopsis.
 *
 * @example
 * const values = parseOptions(args, { api: { type: 'boolean' } }, 'gatehouse keys list [--api]');
 */
export function parseOptions<const O extends OptionsConfig>(
  args: readonly string[],
  options: O,
  synopsis: string,
): Parsed<O>['values'] {
  const { values, positionals } = parse(args, options, synopsis);
  if (positionals.length > 0) throw usage(`unexpected argument "${positionals[0]}"; usage: ${synopsis}`);
  return values;
}

/**
 * {@link parseOptions} for a subcommand that names one thing (`users remove alice`): that name, called `what`
 * in the usage error when it is missing or not alone, and the options.
 */
export function parseNamed<const O extends OptionsConfig>(
  args: readonly string[],
  what: string,
  options: O,
  synopsis: string,
): { name: string; values: Parsed<O>['values'] } {
  const { values, positionals } = parse(args, options, synopsis);
  const [name, ...rest] = positionals;
  if (name === undefined || rest.length > 0) throw usage(`expected one ${what}; usage: ${synopsis}`);
  return { name, values };
}

function parse<const O extends OptionsConfig>(
  args: readonly string[],
  options: O,
  synopsis: string,
): Parsed<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usage(`${message.replace(/\.$/, '')}; usage: ${synopsis}`);
  }
}
