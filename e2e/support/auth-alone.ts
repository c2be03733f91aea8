import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main, type RunningAuthAlone, startAuthAlone } from '@gatehouse/cli';
import { createLogger } from '@gatehouse/common';
import { freePort } from '@gatehouse/common/testing';

/** The embedded auth server alone (`gatehouse start auth`), with a CLI on its DATA_DIR. */
export interface TestAuthServer {
  readonly issuer: string;
  readonly dataDir: string;
  /** Runs a `gatehouse` command against this DATA_DIR; throws unless it exits 0. */
  cli(args: readonly string[], stdin?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts `gatehouse start auth` in this process on a free port with a DATA_DIR of its own. */
export async function startAuthServerAlone(): Promise<TestAuthServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-auth-'));
  const env = {
    DATA_DIR: dataDir,
    AUTH_PORT: String(await freePort()),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
  };
  const logs = new PassThrough();
  logs.resume();
  const auth: RunningAuthAlone = await startAuthAlone(
    env,
    createLogger({ name: 'e2e-auth', level: 'warn' }, logs),
  );
  return {
    issuer: auth.issuer,
    dataDir,
    async cli(args, stdin = '') {
      let stdout = '';
      let stderr = '';
      const code = await main(args, {
        env,
        stdin: Readable.from([stdin]),
        stdout: { write: (chunk: string) => (stdout += chunk) },
        stderr: { write: (chunk: string) => (stderr += chunk) },
      });
      if (code !== 0) throw new Error(`gatehouse ${args.join(' ')} failed (${code}): ${stderr}`);
      return stdout;
    },
    async close() {
      await auth.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
