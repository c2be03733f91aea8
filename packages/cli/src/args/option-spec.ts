/** One option of a subcommand: how it is parsed, and how `--help` shows it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** May be given more than once (`--redirect-uri a --redirect-uri b`). */
  readonly multiple?: boolean;
  /** The value's placeholder in the usage, e.g. `<e>`. */
  readonly value?: string;
  /** One line for `--help`. */
  readonly help: string;
}

/** A subcommand's options, by long name (without the dashes). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What was given: a string (strings, when `multiple`) for a value option, `true` for a flag; absent if not given. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]?: O[K]['type'] extends 'string'
    ? O[K]['multiple'] extends true
      ? string[]
      : string
    : boolean;
};
