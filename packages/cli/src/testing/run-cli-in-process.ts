import { Readable } from 'node:stream';
import { main } from '../main.js';

/** What one CLI run ended with and wrote. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process as the bin does, with `env` and `stdin` as given, and captures what it writes. */
export async function runCliInProcess(
  argv: readonly string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env,
    stdin: Readable.from(stdin === '' ? [] : [Buffer.from(stdin)]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  return { code, stdout, stderr };
}
