/** What every command receives: its own arguments and the process streams, so tests can drive it. */
export interface CommandContext {
  /** Arguments after the command name (`users add alice …` → `['add', 'alice', …]`). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream;
  /** Where output goes; `isTTY` when a person reads it on a terminal (QR codes are drawn only then). */
  readonly stdout: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown };
}

/** What a command does: resolves to the exit code. */
export type RunCommand = (context: CommandContext) => Promise<number>;

/** A top-level `gatehouse` command, as listed in commands/index.ts. */
export interface Command {
  readonly name: string;
  /** One line for `gatehouse --help`. */
  readonly summary: string;
  readonly run: RunCommand;
}
