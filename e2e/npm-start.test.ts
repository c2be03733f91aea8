import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '@gatehouse/cli';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start` is `node <V8 heap flags> packages/cli/bin/gatehouse.js start` (the committed bin, which builds what
// is stale first); npm test builds first, so this drives the real command as a user would, in its own process
// (the flags only size the heap; the test checks the auth server child gets them too).
const BIN = join(import.meta.dirname, '..', 'packages', 'cli', 'bin', 'gatehouse.js');

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The pids of a process's children (Linux /proc). */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text !== '') children.push(...text.split(/\s+/).map(Number));
  }
  return children;
}

async function waitFor(started: Started, text: string): Promise<void> {
  await expect.poll(() => started.output(), { timeout: 20_000, interval: 100 }).toContain(text);
}

describe('gatehouse start (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on an empty DATA_DIR, prints the URL and demo users once, serves the SPA, stops on Ctrl-C', async () => {
    const [port, authPort] = [await freePort(), await freePort()];
    const env = { DATA_DIR: dataDir, PORT: String(port), AUTH_PORT: String(authPort) };
    const first = run(env);
    await waitFor(first, 'Press Ctrl-C to stop.');
    expect(first.output()).toContain(`Open the app:   http://localhost:${port}/`);
    expect(first.output()).toMatch(/alice\s+password: \S{16,}\s+TOTP secret: [A-Z2-7]{32}/);
    expect(first.output()).toMatch(/bob\s+password: \S{16,}/);

    const page = await fetch(`http://localhost:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
    expect((await fetch(`http://localhost:${authPort}/.well-known/openid-configuration`)).status).toBe(200);

    // The auth server runs in a child process the command supervises: killed outright, it comes back on the
    // same port, its state intact (it lives in DATA_DIR).
    const authPid = childPids(first.child.pid ?? 0)[0];
    expect(authPid).toBeDefined();
    // It runs with the server's Node and V8 flags (resident memory), not with none.
    expect(readFileSync(`/proc/${authPid}/cmdline`, 'utf8').split('\0')).toEqual(
      expect.arrayContaining([...SERVER_NODE_FLAGS]),
    );
    process.kill(authPid ?? 0, 'SIGKILL');
    await expect
      .poll(() => childPids(first.child.pid ?? 0).filter((pid) => pid !== authPid).length, {
        timeout: 20_000,
      })
      .toBe(1);
    await expect
      .poll(
        async () =>
          (
            await fetch(`http://localhost:${authPort}/.well-known/openid-configuration`).catch(
              () => undefined,
            )
          )?.status,
        { timeout: 20_000, interval: 200 },
      )
      .toBe(200);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Stopped.');

    // A second start on the same DATA_DIR keeps the users and does not print credentials again.
    const second = run(env);
    await waitFor(second, 'Press Ctrl-C to stop.');
    expect(second.output()).not.toContain('password:');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses a bad setting with one line naming the variable, and exit 1', async () => {
    const started = run({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/^gatehouse start: Invalid PORT: [^\n]*\n$/);
  });
});
