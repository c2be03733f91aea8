import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main, type RunningStack, startStack } from '@gatehouse/cli';
import { createLogger } from '@gatehouse/common';
import { freePort } from '@gatehouse/common/testing';

/** A user the test creates before start (so no random demo users are seeded). */
export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly name?: string;
  readonly totpSecret?: string;
}

/** A running Gatehouse (embedded auth server + API serving the built SPA) on free loopback ports. */
export interface TestGatehouse {
  readonly url: string;
  readonly issuer: string;
  readonly dataDir: string;
  readonly stack: RunningStack;
  /** Runs a `gatehouse` CLI command against this DATA_DIR; resolves to exit code and output. */
  cli(args: readonly string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/** Starts Gatehouse as `npm start` does, with its own DATA_DIR and the given users already created. */
export async function startTestGatehouse(
  users: readonly TestUser[],
  env: Record<string, string> = {},
): Promise<TestGatehouse> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const [port, authPort] = [await freePort(), await freePort()];
  const fullEnv = {
    DATA_DIR: dataDir,
    PORT: String(port),
    AUTH_PORT: String(authPort),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  };
  const cli = async (args: readonly string[], stdin = '') => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      env: fullEnv,
      stdin: Readable.from([stdin]),
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
    });
    return { code, stdout, stderr };
  };
  for (const user of users) {
    const args = ['users', 'add', user.username, '--email', user.email, '--password-stdin'];
    if (user.name) args.push('--name', user.name);
    if (user.totpSecret) args.push('--totp-secret', user.totpSecret);
    const result = await cli(args, user.password);
    if (result.code !== 0) throw new Error(`users add ${user.username} failed: ${result.stderr}`);
  }
  const logs = new PassThrough();
  logs.resume();
  const stack = await startStack(fullEnv, createLogger({ name: 'e2e', level: 'warn' }, logs));
  if (stack.spaDir === undefined)
    throw new Error('the SPA is not built: run `npm run build` first (npm test does)');
  return {
    url: stack.apiUrl,
    issuer: stack.issuer,
    dataDir,
    stack,
    cli,
    async close() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
