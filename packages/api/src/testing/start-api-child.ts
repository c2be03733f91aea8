import { type ChildProcess, spawn } from 'node:child_process';
import type { MisbehavingProvider } from './misbehaving-provider.js';

/** Where an API child process signs in and keeps its state. */
export interface ApiChildSetup {
  provider: MisbehavingProvider;
  publicUrl: string;
  dataDir: string;
}

/**
 * Runs `script` (an ES module that starts an API from the built packages and prints `ready <url>`) in a child
 * process configured by environment as `gatehouse start api` is, and resolves once it is ready. The child is added
 * to `children` at once, so the caller kills it (SIGKILL, for durability tests) even when it never got ready.
 */
export async function startApiChild(
  script: string,
  setup: ApiChildSetup,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      OIDC_ISSUER: setup.provider.issuer,
      OIDC_CLIENT_SECRET: setup.provider.clientSecret,
      PUBLIC_URL: setup.publicUrl,
      PORT: new URL(setup.publicUrl).port,
      DATA_DIR: setup.dataDir,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready ')) ready();
    });
    child.once('exit', (code) => fail(new Error(`API child exited with ${code}`)));
  });
  return child;
}
