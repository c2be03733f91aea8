import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authStoreFile, openAuthStore } from '@gatehouse/auth-server';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './process-test-support.js';

// Issue 11, findings 1 and 2: with `npm start` running, `PORT=3101 npm start` failed on AUTH_PORT but had
// already re-registered the live API client's redirect URIs to :3101 (every sign-in then failed with
// invalid_redirect_uri), and a first start that failed had created demo users whose passwords no start ever
// showed. Now nothing is written to DATA_DIR's store until both servers listen, and a second start on a
// DATA_DIR in use is refused. The real command, as npm links it, in processes of its own.
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
const RESET = "printf '%s' 'a new passphrase' | npx gatehouse users passwd alice --password-stdin";

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves once `text` is on standard output; rejects if the command exits first. */
  until(text: string): Promise<void>;
  /** Resolves to the exit code. */
  readonly exited: Promise<number | null>;
}

const spawned: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of spawned.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
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
  return {
    child,
    output: () => `${stdout}${stderr}`,
    exited,
    async until(text) {
      await waitFor(() => {
        if (stdout.includes(text)) return true;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${stdout}${stderr}`);
        return false;
      }, text);
    },
  };
}

/** A failed start: exit 1 and one line on standard error, nothing on standard output. */
async function expectRefusedStart(env: Record<string, string>, line: RegExp): Promise<void> {
  const started = start(env);
  expect(await started.exited, started.output()).toBe(1);
  expect(started.output()).toMatch(/^gatehouse start: [^\n]+\n$/);
  expect(started.output()).toMatch(line);
}

/** What the auth store holds: the API client's redirect URIs and the usernames (nothing when it is absent). */
async function storeState(dataDir: string): Promise<{ redirectUris?: readonly string[]; users: string[] }> {
  if (!existsSync(authStoreFile(dataDir))) return { users: [] };
  const store = openAuthStore(dataDir);
  try {
    const client = await store.clients.find('gatehouse-api');
    const users = (await store.users.list()).map((user) => user.username);
    return client === undefined ? { users } : { redirectUris: client.redirectUris, users };
  } finally {
    await store.close();
  }
}

describe('a start that fails writes nothing, and a DATA_DIR runs one Gatehouse', () => {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-nowrite-'));
  const held: Server[] = [];
  afterAll(() => {
    for (const server of held) server.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function takenPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    held.push(server);
    return (server.address() as { port: number }).port;
  }

  it('refuses a second start on a DATA_DIR in use, leaving the live client as it was; a killed start leaves no lock', async () => {
    const dataDir = join(root, 'live');
    const [port, authPort] = [await freePort(), await freePort()];
    const live = start({ DATA_DIR: dataDir, PORT: String(port), AUTH_PORT: String(authPort) });
    await live.until('Press Ctrl-C to stop.');
    const before = await storeState(dataDir);
    expect(before.redirectUris).toContain(`http://localhost:${port}/callback`);

    // The reviewer's case: another PORT, the same AUTH_PORT (taken by the live one); and free ports too.
    const [otherPort, otherAuthPort] = [await freePort(), await freePort()];
    const inUse =
      /^gatehouse start: Invalid DATA_DIR: \/.*\/live is in use by another running gatehouse start \(pid \d+\); stop it, or set DATA_DIR to another folder$/m;
    await expectRefusedStart(
      { DATA_DIR: dataDir, PORT: String(otherPort), AUTH_PORT: String(authPort) },
      inUse,
    );
    await expectRefusedStart(
      { DATA_DIR: dataDir, PORT: String(otherPort), AUTH_PORT: String(otherAuthPort) },
      inUse,
    );
    expect(await storeState(dataDir)).toEqual(before);
    expect(live.child.exitCode).toBeNull();

    // Killed outright: the lock goes with the process (its auth server follows it), and the next start runs.
    live.child.kill('SIGKILL');
    await live.exited;
    const [nextPort, nextAuthPort] = [await freePort(), await freePort()];
    const next = start({ DATA_DIR: dataDir, PORT: String(nextPort), AUTH_PORT: String(nextAuthPort) });
    await next.until('Press Ctrl-C to stop.');
    // Users from the first start: no passwords, but how to set one.
    expect(next.output()).not.toContain('password:');
    expect(next.output()).toContain(
      'Users exist from an earlier start; their passwords are not shown again.',
    );
    expect(next.output()).toContain('npx gatehouse users list');
    expect(next.output()).toContain(RESET.replace('passwd alice', 'passwd <username>'));
    expect((await storeState(dataDir)).redirectUris).toContain(`http://localhost:${nextPort}/callback`);
    next.child.kill('SIGINT');
    expect(await next.exited).toBe(0);
  }, 90_000);

  it('creates no client and no user when AUTH_PORT is taken; the start that succeeds shows the demo users', async () => {
    const dataDir = join(root, 'auth-port');
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()) };
    await expectRefusedStart(
      { ...env, AUTH_PORT: String(await takenPort()) },
      /^gatehouse start: Invalid AUTH_PORT: port \d+ is already in use/m,
    );
    expect(await storeState(dataDir)).toEqual({ users: [] });

    const next = start({ ...env, AUTH_PORT: String(await freePort()) });
    await next.until('Press Ctrl-C to stop.');
    expect(next.output()).toMatch(/alice\s+password: \S{16,}/);
    expect(next.output()).toMatch(/bob\s+password: \S{16,}/);
    expect(next.output()).toContain(RESET);
    // Finding 4: the banner linked http://localhost:3001/api, a 404. Every link it shows answers.
    const links = next.output().match(/http:\/\/localhost:\d+[^\s)]*/g) ?? [];
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const link of links) expect((await fetch(link)).status, link).toBe(200);
    next.child.kill('SIGINT');
    expect(await next.exited).toBe(0);
  }, 60_000);

  // A failure after every check passed and the auth server listens: the API's own store cannot be opened.
  it('creates no client and no user when the API fails to start after the auth server did', async () => {
    const dataDir = join(root, 'api-fails');
    mkdirSync(join(dataDir, 'api'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, 'api', 'api.sqlite'), 'not a database');
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), AUTH_PORT: String(await freePort()) };
    await expectRefusedStart(
      env,
      /^gatehouse start: Invalid DATA_DIR: .* holds a database Gatehouse cannot use/m,
    );
    const after = await storeState(dataDir);
    expect(after.users).toEqual([]);
    expect(after.redirectUris).toBeUndefined();

    rmSync(join(dataDir, 'api', 'api.sqlite'));
    const next = start(env);
    await next.until('Press Ctrl-C to stop.');
    expect(next.output()).toMatch(/alice\s+password: \S{16,}/);
    next.child.kill('SIGINT');
    expect(await next.exited).toBe(0);
  }, 60_000);
});
