import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// "One line, never a stack trace" (issue 11): every way `gatehouse start`, `start api` and `start auth` can fail
// ends in one line on stderr naming the cause and the setting, exit 1, within seconds. Each case runs the real
// command (the committed bin, as npm links it) in a process of its own; npm test builds first.
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
/** Long enough for a loaded machine; a case that hangs (DATA_DIR=/proc/x did) fails instead of blocking. */
const GIVE_UP_MS = 20_000;

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `gatehouse start [mode]` with exactly `env` (plus PATH). `unprivileged`: as a user without privileges
 * (tests run as root here, which may bind any port and write anywhere): `nobody`, through runuser.
 */
function start(mode: string[], env: Record<string, string>, unprivileged = false): Promise<Outcome> {
  const asNobody = unprivileged && process.getuid?.() === 0;
  const command = asNobody ? 'runuser' : process.execPath;
  const args = [...(asNobody ? ['-u', 'nobody', '--', process.execPath] : []), BIN, 'start', ...mode];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), GIVE_UP_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one line, exit 1, no stack frame. */
function expectOneLine(outcome: Outcome, line: RegExp): void {
  expect(outcome.stderr, outcome.stdout).toMatch(/^[^\n]+\n$/);
  expect(outcome.stderr).toMatch(line);
  expect(outcome.stderr).not.toMatch(/ {4}at /);
  expect(outcome.code).toBe(1);
}

describe.concurrent('gatehouse start fails with one line naming the setting', () => {
  let root: string;
  /** A folder the unprivileged user may write into. */
  let theirs: string;
  /** A folder only root may write into. */
  let rootOnly: string;
  let file: string;
  let badAuthStore: string;
  /** Another one for `start auth`: the tests run at once, and two starts on one DATA_DIR meet its lock. */
  let badAuthStoreAlone: string;
  let badApiStore: string;
  const held: Server[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-fail-'));
    // The unprivileged user must reach the folders below it.
    chmodSync(root, 0o755);
    theirs = join(root, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    if (process.getuid?.() === 0) chownSync(theirs, 65534, 65534);
    rootOnly = join(root, 'root-only');
    mkdirSync(rootOnly, { mode: 0o755 });
    file = join(root, 'a-file');
    writeFileSync(file, '');
    badAuthStore = join(root, 'bad-auth');
    badAuthStoreAlone = join(root, 'bad-auth-alone');
    for (const dir of [badAuthStore, badAuthStoreAlone]) {
      mkdirSync(join(dir, 'auth-server'), { recursive: true });
      writeFileSync(join(dir, 'auth-server', 'auth.sqlite'), 'not a database');
    }
    badApiStore = join(root, 'bad-api');
    mkdirSync(join(badApiStore, 'api'), { recursive: true });
    writeFileSync(join(badApiStore, 'api', 'api.sqlite'), 'not a database');
  });
  afterAll(() => {
    for (const server of held) server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A port some other program listens on. */
  async function takenPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    held.push(server);
    return (server.address() as { port: number }).port;
  }

  /** Ports nothing listens on, and a fresh DATA_DIR. */
  async function settings(name: string): Promise<Record<string, string>> {
    const [port, authPort] = [await freePort(), await freePort()];
    return { PORT: String(port), AUTH_PORT: String(authPort), DATA_DIR: join(root, name) };
  }

  const API = ['api'];
  const AUTH = ['auth'];
  const api = (extra: Record<string, string>) => ({ OIDC_CLIENT_SECRET: 'a-secret', ...extra });

  // --- the settings' values -----------------------------------------------------------------------------
  it('start: OIDC_ISSUER that is not a URL', async () => {
    expectOneLine(
      await start([], { ...(await settings('a1')), OIDC_ISSUER: 'not-a-url' }),
      /^gatehouse start: Invalid OIDC_ISSUER: must be an absolute URL \(got "not-a-url"\)$/m,
    );
  });
  it('start api: OIDC_ISSUER that is not a URL', async () => {
    expectOneLine(
      await start(API, api({ ...(await settings('a2')), OIDC_ISSUER: 'not-a-url' })),
      /^gatehouse start: Invalid OIDC_ISSUER: must be an absolute URL/,
    );
  });
  it('start api: no OIDC_ISSUER', async () => {
    expectOneLine(
      await start(API, await settings('a3')),
      /^gatehouse start: Invalid OIDC_ISSUER: required \(the URL of your OpenID Provider\)$/m,
    );
  });
  it('start: PUBLIC_URL that is not a URL', async () => {
    expectOneLine(
      await start([], { ...(await settings('a4')), PUBLIC_URL: 'not-a-url' }),
      /^gatehouse start: Invalid PUBLIC_URL: must be an absolute URL \(got "not-a-url"\)$/m,
    );
  });
  it('start api: PUBLIC_URL that is not a URL', async () => {
    const env = api({
      ...(await settings('a5')),
      OIDC_ISSUER: 'http://127.0.0.1:9',
      PUBLIC_URL: 'not-a-url',
    });
    expectOneLine(await start(API, env), /^gatehouse start: Invalid PUBLIC_URL: /);
  });
  it('start auth: AUTH_ISSUER that is not a URL', async () => {
    expectOneLine(
      await start(AUTH, { ...(await settings('a6')), AUTH_ISSUER: 'not-a-url' }),
      /^gatehouse start: Invalid AUTH_ISSUER: .*\(got "not-a-url"\)$/m,
    );
  });
  // DATABASE_URL (PostgreSQL): no GATEHOUSE_SECRET, or a database nobody answers at (its password never shown).
  it('start auth: DATABASE_URL without GATEHOUSE_SECRET', async () => {
    const env = {
      ...(await settings('a7')),
      DATABASE_URL: 'postgres://gatehouse:sekrit@127.0.0.1:9/gatehouse',
    };
    const outcome = await start(AUTH, env);
    expectOneLine(outcome, /^gatehouse start: Invalid GATEHOUSE_SECRET: required with DATABASE_URL/);
    expect(outcome.stderr).not.toContain('sekrit');
  });
  it('start auth: DATABASE_URL where no database answers', async () => {
    const env = {
      ...(await settings('a8')),
      DATABASE_URL: `postgres://gatehouse:sekrit@127.0.0.1:${await freePort()}/gatehouse`,
      GATEHOUSE_SECRET: 'a-gatehouse-secret-of-forty-characters-00',
    };
    const outcome = await start(AUTH, env);
    expectOneLine(outcome, /^gatehouse start: Cannot reach the database at DATABASE_URL: /);
    expect(outcome.stderr).not.toContain('sekrit');
  });
  it('start: SPA_DIR without a built app', async () => {
    expectOneLine(
      await start([], { ...(await settings('a7')), SPA_DIR: join(root, 'no-app') }),
      /^gatehouse start: Invalid SPA_DIR: .*no-app holds no index\.html/,
    );
  });
  it('start: PORT and AUTH_PORT the same', async () => {
    const port = String(await freePort());
    expectOneLine(
      await start([], { ...(await settings('a8')), PORT: port, AUTH_PORT: port }),
      /^gatehouse start: Invalid AUTH_PORT: the auth server and the API cannot share port \d+; set PORT and AUTH_PORT apart$/m,
    );
  });

  // --- DATA_DIR -----------------------------------------------------------------------------------------
  for (const mode of [[], API, AUTH]) {
    const form = ['start', ...mode].join(' ');
    const env = async (dir: string) => ({
      ...(await settings('unused')),
      ...(mode === API ? api({ OIDC_ISSUER: 'http://127.0.0.1:9' }) : {}),
      DATA_DIR: dir,
    });
    it(`${form}: DATA_DIR that is a file`, async () => {
      expectOneLine(
        await start(mode, await env(file)),
        /^gatehouse start: Invalid DATA_DIR: \/.*\/a-file is not a directory$/m,
      );
    });
    // Regression: Node's recursive mkdir loops for ever there; the start hung.
    it(`${form}: DATA_DIR=/proc/x, which cannot be created`, async () => {
      expectOneLine(
        await start(mode, await env('/proc/gatehouse-x')),
        /^gatehouse start: Invalid DATA_DIR: \/proc\/gatehouse-x cannot be created there/,
      );
    });
    it(`${form}: DATA_DIR this user cannot write`, async () => {
      expectOneLine(
        await start(mode, await env(join(rootOnly, 'data')), true),
        /^gatehouse start: Invalid DATA_DIR: .*\/root-only\/data is not writable by this user \(permission denied\)$/m,
      );
    });
  }
  it('start: DATA_DIR holding an auth store that is not a database', async () => {
    expectOneLine(
      await start([], { ...(await settings('unused')), DATA_DIR: badAuthStore }),
      /^gatehouse start: Invalid DATA_DIR: .*bad-auth holds a database Gatehouse cannot use \(file is not a database\)/,
    );
  });
  it('start auth: DATA_DIR holding an auth store that is not a database', async () => {
    expectOneLine(
      await start(AUTH, { ...(await settings('unused')), DATA_DIR: badAuthStoreAlone }),
      /^gatehouse start: Invalid DATA_DIR: .*bad-auth-alone holds a database Gatehouse cannot use/,
    );
  });
  it('start api: DATA_DIR holding an API store that is not a database', async () => {
    const env = api({
      ...(await settings('unused')),
      OIDC_ISSUER: 'http://127.0.0.1:9',
      DATA_DIR: badApiStore,
    });
    expectOneLine(
      await start(API, env),
      /^gatehouse start: Invalid DATA_DIR: .*bad-api holds a database Gatehouse cannot use/,
    );
  });

  // --- ports ----------------------------------------------------------------------------------------------
  const inUse = (setting: string) =>
    new RegExp(
      `^gatehouse start: Invalid ${setting}: port \\d+ is already in use \\(another program, or Gatehouse already running\\); stop it or choose another with ${setting}=<port>$`,
      'm',
    );
  const privileged = (setting: string, port: number) =>
    new RegExp(
      `^gatehouse start: Invalid ${setting}: port ${port} needs privileges this user does not have \\(ports below 1024 do\\); choose another with ${setting}=<port> above 1023$`,
      'm',
    );
  it('start: PORT in use', async () => {
    expectOneLine(
      await start([], { ...(await settings('p1')), PORT: String(await takenPort()) }),
      inUse('PORT'),
    );
  });
  it('start: AUTH_PORT in use', async () => {
    const env = { ...(await settings('p2')), AUTH_PORT: String(await takenPort()) };
    expectOneLine(await start([], env), inUse('AUTH_PORT'));
  });
  it('start api: PORT in use', async () => {
    const env = api({
      ...(await settings('p3')),
      OIDC_ISSUER: 'http://127.0.0.1:9',
      PORT: String(await takenPort()),
    });
    expectOneLine(await start(API, env), inUse('PORT'));
  });
  it('start auth: AUTH_PORT in use', async () => {
    const env = { ...(await settings('p4')), AUTH_PORT: String(await takenPort()) };
    expectOneLine(await start(AUTH, env), inUse('AUTH_PORT'));
  });
  it('start: PORT below 1024 without the privilege', async () => {
    const env = { ...(await settings('x')), DATA_DIR: join(theirs, 'p5'), PORT: '81' };
    expectOneLine(await start([], env, true), privileged('PORT', 81));
  });
  it('start: AUTH_PORT below 1024 without the privilege', async () => {
    const env = { ...(await settings('x')), DATA_DIR: join(theirs, 'p6'), AUTH_PORT: '82' };
    expectOneLine(await start([], env, true), privileged('AUTH_PORT', 82));
  });
  it('start api: PORT below 1024 without the privilege', async () => {
    const env = api({
      ...(await settings('x')),
      OIDC_ISSUER: 'http://127.0.0.1:9',
      DATA_DIR: join(theirs, 'p7'),
      PORT: '83',
    });
    expectOneLine(await start(API, env, true), privileged('PORT', 83));
  });
  it('start auth: AUTH_PORT below 1024 without the privilege', async () => {
    const env = { ...(await settings('x')), DATA_DIR: join(theirs, 'p8'), AUTH_PORT: '84' };
    expectOneLine(await start(AUTH, env, true), privileged('AUTH_PORT', 84));
  });
  it('start: AUTH_HOST that is not an address of this machine', async () => {
    expectOneLine(
      await start([], { ...(await settings('h1')), AUTH_HOST: '192.0.2.1' }),
      /^gatehouse start: Invalid AUTH_HOST: 192\.0\.2\.1 is not an address of this machine$/m,
    );
  });
});
