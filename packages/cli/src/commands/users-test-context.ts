import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../main.js';

/**
 * Runs `gatehouse …` in-process against a temporary DATA_DIR with fake streams (tests of users/clients/keys),
 * with `env` besides DATA_DIR.
 */
export function cliHarness(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  return {
    dataDir,
    /** `tty`: standard output is a terminal (a person reads it), as `isTTY` says on a real one. */
    async run(
      argv: string[],
      stdin = '',
      options: { tty?: boolean } = {},
    ): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = '';
      let stderr = '';
      const input = Readable.from(stdin === '' ? [] : [Buffer.from(stdin)]);
      const code = await main(argv, {
        env: { DATA_DIR: dataDir, ...env },
        stdin: input,
        stdout: { write: (chunk: string) => (stdout += chunk), isTTY: options.tty === true },
        stderr: { write: (chunk: string) => (stderr += chunk) },
      });
      return { code, stdout, stderr };
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
