import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@gatehouse/common';
import { freePort } from '@gatehouse/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authServerMain, forkAuthServer } from './auth-server-process.js';
import { takePort, waitFor } from './process-test-support.js';

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

  // The same at the child's end, once its modules have loaded: waiting, it opens and binds nothing.
  it('waits for go with nothing opened or bound, and exits 0 when its parent goes instead', async () => {
    const port = await freePort();
    const child = forkWaiting(port);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await nextMessage(child, 'gatehouse:auth-server-waiting');
    // Its modules load after it asks; give them time to, then look: no DATA_DIR, the port still free.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(existsSync(dataDir)).toBe(false);
    expect(await canListen(port)).toBe(true);
    child.disconnect();
    expect(await exited).toBe(0);
  });

  it('stops, without a crash, when its parent goes between go and ready', async () => {
    const child = forkWaiting(await freePort());
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await nextMessage(child, 'gatehouse:auth-server-waiting');
    child.send({ type: 'gatehouse:auth-server-go' });
    child.disconnect();
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/ERR_IPC_CHANNEL_CLOSED|Error/);
  });

  // Regression: a restarted child that failed during its own start was logged and never tried again, leaving
  // the API without its provider until someone restarted everything.
  it('tries again, after a back-off, when a restarted child fails during its own start', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'test', level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    const auth = forkAuthServer(envFor(port));
    let blocker: Server | undefined;
    try {
      auth.start(logger);
      await auth.ready;
      const first = auth.pid;
      if (first === undefined) throw new Error('no child pid');
      process.kill(first, 'SIGKILL');
      // Its port, taken as soon as the kernel frees it: the restarted child (still loading) then cannot bind it.
      blocker = await takePort(port);
      await waitFor(() => lines.some((line) => line.includes('auth server restart failed')));
      await new Promise((resolve) => blocker?.close(resolve));
      blocker = undefined;
      await waitFor(() => lines.some((line) => line.includes('"auth server restarted"')));
      expect(auth.pid).not.toBe(first);
      const discovery = await fetch(`http://localhost:${port}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
    } finally {
      blocker?.close();
      await auth.close();
    }
  });

  // docs/security.md 50: between a crash and the restart the child is not serving, and whoever asks is told so.
  it('is not serving from the moment its child dies until a restarted one listens', async () => {
    const port = await freePort();
    const auth = forkAuthServer(envFor(port));
    let blocker: Server | undefined;
    try {
      auth.start(createLogger({ name: 'test', level: 'silent' }));
      await auth.ready;
      expect(auth.serving).toBe(true);
      const first = auth.pid;
      process.kill(first ?? 0, 'SIGKILL');
      // The port held, so the restarted child cannot listen: serving must turn false and stay false.
      blocker = await takePort(port);
      await waitFor(() => !auth.serving, 'serving to turn false');
      await waitFor(() => auth.pid !== first, 'a restarted child');
      expect(auth.serving).toBe(false);
      await new Promise((resolve) => blocker?.close(resolve));
      blocker = undefined;
      await waitFor(() => auth.serving, 'serving again');
    } finally {
      blocker?.close();
      await auth.close();
    }
  });

  // Issue 16, item 2: after five restarts in a minute the supervisor stopped restarting for good, silently.
  it('gives up past its restart bound and says why, once', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'test', level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    const auth = forkAuthServer(envFor(port), {
      restartPolicy: { maxRestarts: 2, windowMs: 60_000, backoffMs: 50 },
    });
    let blocker: Server | undefined;
    try {
      auth.start(logger);
      await auth.ready;
      process.kill(auth.pid ?? 0, 'SIGKILL');
      blocker = await takePort(port);
      const reason = await auth.gaveUp;
      expect(reason.message).toBe(
        `the embedded auth server failed 3 times within 60 s (last: Invalid AUTH_PORT: port ${port} is already in use (another program, or Gatehouse already running); stop it or choose another with AUTH_PORT=<port>); stopping, so that a service manager (systemd, Docker, Kubernetes) restarts Gatehouse`,
      );
      expect(auth.serving).toBe(false);
      expect(lines.filter((line) => line.includes('restart failed'))).toHaveLength(2);
      expect(lines.some((line) => line.includes('"level":60') && line.includes('not restarting'))).toBe(true);
    } finally {
      blocker?.close();
      await auth.close();
    }
  });

  function forkWaiting(port: number) {
    return fork(authServerMain(), ['--wait-for-go'], {
      env: envFor(port),
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
  }

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

function nextMessage(child: ChildProcess, type: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== type) return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
