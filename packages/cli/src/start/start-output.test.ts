import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './process-test-support.js';

// What a person sees when `gatehouse start` (start api, start auth) runs: the real command, as npm links it.
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
const ESCAPE = '\u001b';

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once `text` is in its output; rejects, with what it wrote, if it exits first. */
  until(text: string): Promise<void>;
  /** Ctrl-C; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** Every command started, killed after each test even when it timed out waiting for it. */
const spawned: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of spawned.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(command: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env } });
  spawned.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => {
      code = exitCode;
      resolve(exitCode);
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async until(text) {
      await waitFor(() => {
        if (stdout.includes(text)) return true;
        if (code !== undefined) throw new Error(`exited ${code} before "${text}":\n${stdout}${stderr}`);
        return false;
      }, text);
    },
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

const gatehouse = (args: string[], env: Record<string, string>) => run(process.execPath, [BIN, ...args], env);

/** The same, on a terminal of its own (a pseudo-terminal from util-linux's script). */
const onTerminal = (args: string[], env: Record<string, string>) => {
  const line = [
    'env',
    ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
    process.execPath,
    BIN,
    ...args,
  ];
  return run('script', ['-qfec', line.join(' '), '/dev/null'], {});
};

describe('gatehouse start, as a person sees it', () => {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-output-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Issue 11: the API's "Server listening" line landed inside the banner; the QR code's escape codes went into
  // pipes and files.
  it('prints the banner as one block, and no escape codes when the output is not a terminal', async () => {
    const [port, authPort] = [await freePort(), await freePort()];
    const env = {
      DATA_DIR: join(root, 'one-block'),
      PORT: String(port),
      AUTH_PORT: String(authPort),
      LOG_LEVEL: 'info',
    };
    const started = gatehouse(['start'], env);
    try {
      await started.until('Press Ctrl-C to stop.');
      const out = started.stdout();
      const banner = out.slice(out.indexOf('\n  Gatehouse is running'), out.indexOf('Press Ctrl-C to stop.'));
      expect(banner).toMatch(/Open the app: {3}http:\/\/localhost:\d+\//);
      // No UPSTREAM_URL, no gateway.
      expect(banner).not.toContain('Gateway:');
      expect(banner).not.toContain('{"level"');
      // Everything logged while starting came before it.
      expect(out.slice(0, out.indexOf('\n  Gatehouse is running'))).toContain('Server listening at');
      expect(banner).toMatch(
        /alice {2}password: \S+ {3}TOTP secret: ([A-Z2-7]{32})\n {11}add it to an authenticator app: otpauth:\/\/totp\/Gatehouse:alice\?/,
      );
      expect(out).not.toContain(ESCAPE);
      expect(started.stderr()).toBe('');
      expect(await started.stop()).toBe(0);
    } finally {
      await started.stop();
    }
  });

  it('logs pretty lines and draws the QR code on a terminal; JSON lines there too with NODE_ENV=production', async () => {
    const [port, authPort] = [await freePort(), await freePort()];
    const env = {
      DATA_DIR: join(root, 'terminal'),
      PORT: String(port),
      AUTH_PORT: String(authPort),
      LOG_LEVEL: 'info',
    };
    const development = onTerminal(['start'], env);
    try {
      await development.until('Press Ctrl-C to stop.');
      const out = development.stdout();
      expect(out).toMatch(/\] .*INFO.* \(gatehouse\): .*Server listening at http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/\] .*INFO.* \(auth-server\): .*auth server listening/);
      expect(out).not.toContain('{"level"');
      expect(out).toContain(`${ESCAPE}[47m`); // the QR code
    } finally {
      await development.stop();
    }
    const production = onTerminal(['start'], {
      ...env,
      DATA_DIR: join(root, 'production'),
      NODE_ENV: 'production',
    });
    try {
      await production.until('Press Ctrl-C to stop.');
      expect(production.stdout()).toMatch(/^\{"level":30,.*"msg":"Server listening at /m);
    } finally {
      await production.stop();
    }
  });

  // Issue 11: with its provider down the banner said "running" while /readyz answered 503, and the log said
  // "something went wrong". `start api` waits for it, says so, and says so again once it answers; `start auth`
  // is such a provider.
  // With UPSTREAM_URL, the banner also says where the gateway forwards (the upstream need not answer yet).
  it('start api waits for a provider that does not answer, says why, and says when it does', async () => {
    const [port, providerPort, upstreamPort] = [await freePort(), await freePort(), await freePort()];
    const issuer = `http://localhost:${providerPort}`;
    const api = gatehouse(['start', 'api'], {
      DATA_DIR: join(root, 'api'),
      PORT: String(port),
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_SECRET: 'a-secret-of-the-api-client',
      UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}/`,
      LOG_LEVEL: 'info',
    });
    let provider: Running | undefined;
    try {
      await api.until('Press Ctrl-C to stop.');
      expect(api.stdout()).toContain('Gatehouse is up and waiting for its OpenID Provider');
      expect(api.stdout()).toContain(
        `  Gateway:        http://localhost:${port}/api/… → http://127.0.0.1:${upstreamPort}\n`,
      );
      expect(api.stdout()).not.toContain('Gatehouse is running');
      expect(api.stdout()).toMatch(
        /"reason":"connection refused","msg":"OpenID Provider discovery failed; retrying"/,
      );
      expect(api.stdout()).not.toContain('something went wrong');
      expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(503);

      provider = gatehouse(['start', 'auth'], {
        DATA_DIR: join(root, 'auth'),
        AUTH_PORT: String(providerPort),
      });
      await provider.until('Gatehouse auth server is running');
      expect(provider.stdout()).toContain(`Issuer:         ${issuer}`);
      await api.until('The provider answers: Gatehouse is running.');
      expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
      expect(api.stderr()).toBe('');
      expect(provider.stderr()).toBe('');
      expect(await api.stop()).toBe(0);
      expect(await provider.stop()).toBe(0);
    } finally {
      await api.stop();
      await provider?.stop();
    }
  }, 60_000);
});
