import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, sha256 } from '@gatehouse/common';
import { freePort } from '@gatehouse/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authServerChildren, takePort, waitFor } from './process-test-support.js';
import { startStack } from './start-stack.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
/** What the SDK sends with `/api/login` (docs/security.md 51): the SHA-256 of the page's login verifier. */
const LOGIN_HEADERS = { 'gatehouse-login-challenge': sha256('the login verifier a page keeps') };

// Issue 16, item 2 (docs/security.md 50): a crash-looping embedded auth server left a green, dead service:
// /readyz 200, /api/login handing out URLs to a dead port, and no exit for a supervisor to act on.
describe('a crashing embedded auth server', () => {
  let dataDir: string;
  /** Every command started, killed after each test even when it timed out waiting for it. */
  const spawned: ChildProcess[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-crash-'));
  });
  afterEach(() => {
    for (const child of spawned.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns /readyz and /api/login to 503 while it is down, and the stack reports when restarts give up', async () => {
    const [port, authPort] = [await freePort(), await freePort()];
    // The supervisor's log lines, to say what happened should the restarts not go as planned.
    const lines: string[] = [];
    const stack = await startStack(
      { DATA_DIR: dataDir, PORT: String(port), AUTH_PORT: String(authPort), LOG_LEVEL: 'silent' },
      createLogger({ name: 'test', level: 'info' }, { write: (line: string) => lines.push(line) }),
      { restartPolicy: { maxRestarts: 2, windowMs: 60_000, backoffMs: 200 } },
    );
    let blocker: Server | undefined;
    try {
      expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
      expect((await fetch(`${stack.apiUrl}/api/login`, { headers: LOGIN_HEADERS })).status).toBe(200);
      const [child] = authServerChildren(process.pid);
      process.kill(child ?? 0, 'SIGKILL');
      blocker = await takePort(authPort);
      // At once: no discovery retry or timeout has to pass first.
      await waitFor(async () => (await fetch(`${stack.apiUrl}/readyz`)).status === 503, '/readyz 503');
      expect(stack.providerReady).toBe(false);
      const login = await fetch(`${stack.apiUrl}/api/login`, { headers: LOGIN_HEADERS });
      expect(login.status).toBe(503);
      expect(await login.json()).toMatchObject({ error: 'provider_unavailable' });
      const reason = await Promise.race([
        stack.failed,
        new Promise<never>((_resolve, reject) =>
          setTimeout(() => reject(new Error(`restarts did not give up:\n${lines.join('')}`)), 20_000),
        ),
      ]);
      expect(reason.message).toMatch(
        /^the embedded auth server failed 3 times within 60 s \(last: Invalid AUTH_PORT: /,
      );
      // Issue 11, finding 8: the exit was logged as "code", which the logger redacts (authorization codes).
      const exit = lines
        .map((line) => JSON.parse(line))
        .find((entry) => entry.msg?.startsWith('auth server exited'));
      expect(exit).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
      expect(JSON.stringify(exit)).not.toContain('[redacted]');
    } finally {
      blocker?.close();
      await stack.close();
    }
  });

  it('ends `gatehouse start` with exit 1 and one line saying why, once restarts give up', async () => {
    const [port, authPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        PORT: String(port),
        AUTH_PORT: String(authPort),
        LOG_LEVEL: 'silent',
      },
    });
    spawned.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let blocker: Server | undefined;
    try {
      await waitFor(() => stdout.includes('Press Ctrl-C to stop.'), 'the banner');
      const [auth] = authServerChildren(child.pid ?? 0);
      process.kill(auth ?? 0, 'SIGKILL');
      blocker = await takePort(authPort);
      // The default policy: restarts at once, then after 1, 2, 4 and 8 s; the sixth failure ends it.
      expect(await exited).toBe(1);
      expect(stderr).toMatch(
        /^gatehouse start: the embedded auth server failed 6 times within 60 s \(last: Invalid AUTH_PORT: port \d+ is already in use .*\); stopping, so that a service manager \(systemd, Docker, Kubernetes\) restarts Gatehouse\n$/,
      );
      expect(stderr).not.toMatch(/\n {4}at /);
    } finally {
      blocker?.close();
    }
  }, 60_000);
});
