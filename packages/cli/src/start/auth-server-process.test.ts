import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@gatehouse/common';
import { freePort } from '@gatehouse/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authServerMain, forkAuthServer } from './auth-server-process.js';

// Runs the built auth server (packages/auth-server/dist/main.js), as `gatehouse start` does; npm test builds first.
describe('forkAuthServer', () => {
  let root: string;
  let dataDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-fork-'));
    dataDir = join(root, 'data');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const envFor = (port: number) => ({
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    AUTH_PORT: String(port),
    LOG_LEVEL: 'silent',
  });

  it('starts the child once told to, on the port and issuer it reports', async () => {
    const port = await freePort();
    const auth = forkAuthServer(envFor(port));
    try {
      auth.start(createLogger({ name: 'test', level: 'silent' }));
      await expect(auth.ready).resolves.toEqual({ issuer: `http://localhost:${port}`, port });
      const discovery = await fetch(`http://localhost:${port}/.well-known/openid-configuration`);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`http://localhost:${port}`);
    } finally {
      await auth.close();
    }
  });

  // `gatehouse start` forks before it has checked the configuration; a bad setting then stops the child unstarted.
  it('stops a child that was never told to start without it touching DATA_DIR', async () => {
    const auth = forkAuthServer(envFor(await freePort()));
    await auth.close();
    await expect(auth.ready).rejects.toThrow(/exited during start/);
    expect(existsSync(dataDir)).toBe(false);
  });

  // Regression: the auth server run alone under a process manager that opens an IPC channel (pm2's fork mode)
  // must not wait for a go that only `gatehouse start` sends.
  it('starts at once when forked with an IPC channel but not asked to wait', async () => {
    const port = await freePort();
    const child = fork(authServerMain(), [], { env: envFor(port), execArgv: [], stdio: 'ignore' });
    try {
      const ready = await new Promise<unknown>((resolve) => child.once('message', resolve));
      expect(ready).toEqual({
        type: 'gatehouse:auth-server-ready',
        issuer: `http://localhost:${port}`,
        port,
      });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
