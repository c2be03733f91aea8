import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@gatehouse/common';
import { CliError } from '../cli-error.js';

/** The embedded auth server, running in a child process that `gatehouse start` supervises. */
export interface AuthServerProcess<T> {
  /** What the `meanwhile` work produced while the child booted. */
  readonly prepared: T;
  readonly issuer: string;
  readonly port: number;
  /** The child's pid (it changes when a crashed child is restarted). */
  readonly pid: number | undefined;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and stops restarting it. */
  close(): Promise<void>;
}

interface ReadyMessage {
  readonly type: 'gatehouse:auth-server-ready';
  readonly issuer: string;
  readonly port: number;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** At most this many restarts within RESTART_WINDOW_MS; then the auth server stays down and it is logged. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** Where the built auth server's entry point is (this file is packages/cli/{src,dist}/start/…). */
export function authServerMain(): string {
  return fileURLToPath(new URL('../../../auth-server/dist/main.js', import.meta.url));
}

/**
 * Runs the embedded auth server in its own process, so that it and the API each have an event loop (and a
 * core) of their own, and a crash of one does not take the other down. The child reads the same environment;
 * it reports readiness over IPC and exits when this process goes away. A child that dies (exit code other
 * than 0) is restarted with the same port and issuer: all its state is in DATA_DIR, so signed-in sessions
 * survive. `meanwhile` runs while the child boots; if it fails, the child is stopped.
 */
export async function startAuthServerProcess<T>(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  meanwhile: () => Promise<T>,
): Promise<AuthServerProcess<T>> {
  const main = authServerMain();
  if (!existsSync(main))
    throw new CliError('ERR_CLI_FAILED', `the auth server is not built (${main}): run npm run build`);

  let closing = false;
  let child: ChildProcess | undefined;
  const restarts: number[] = [];

  const spawnChild = (childEnv: Record<string, string | undefined>): Promise<ReadyMessage> =>
    new Promise((resolve, reject) => {
      // execArgv: [] so a parent's flags (a test runner's module conditions, an inspector port) do not leak in.
      const started = fork(main, [], {
        env: childEnv,
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child = started;
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(
          new CliError('ERR_CLI_FAILED', `the auth server did not start within ${READY_TIMEOUT_MS / 1000} s`),
        );
      }, READY_TIMEOUT_MS);
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        reject(
          new CliError('ERR_CLI_FAILED', `the auth server exited during start (${signal ?? `code ${code}`})`),
        );
      };
      started.once('exit', onExit);
      started.on('message', (message: unknown) => {
        const ready = message as Partial<ReadyMessage> | null;
        if (ready?.type !== 'gatehouse:auth-server-ready' || typeof ready.issuer !== 'string') return;
        clearTimeout(timer);
        started.off('exit', onExit);
        started.once('exit', (code, signal) => onCrash(code, signal));
        resolve(ready as ReadyMessage);
      });
    });

  const booting = spawnChild({ ...env });
  // A handler from the start, so a child that fails while `meanwhile` runs is not an unhandled rejection.
  const settled = booting.then(
    () => undefined,
    () => undefined,
  );
  let prepared: T;
  try {
    prepared = await meanwhile();
  } catch (error) {
    closing = true;
    await settled;
    child?.kill('SIGTERM');
    throw error;
  }
  const first = await booting;
  // A restarted child must come back on the same port and issuer (the API and clients know them).
  const pinnedEnv = { ...env, AUTH_PORT: String(first.port), AUTH_ISSUER: first.issuer };

  function onCrash(code: number | null, signal: NodeJS.Signals | null): void {
    // Exit code 0 is a requested stop (Ctrl-C reaches the whole process group); only failures restart.
    if (closing || code === 0) return;
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] ?? 0) < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      logger.fatal({ code, signal }, 'auth server keeps crashing; not restarting it again');
      return;
    }
    restarts.push(now);
    logger.error({ code, signal }, 'auth server exited unexpectedly; restarting it');
    spawnChild(pinnedEnv).then(
      () => logger.info('auth server restarted'),
      (error: unknown) => logger.error({ err: error }, 'auth server restart failed'),
    );
  }

  return {
    prepared,
    issuer: first.issuer,
    port: first.port,
    get pid() {
      return child?.pid;
    },
    async close() {
      closing = true;
      const current = child;
      if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
        current.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        current.kill('SIGTERM');
      });
    },
  };
}
