import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AUTH_SERVER_GO,
  type AuthServerMessage,
  WAIT_FOR_GO_ARG,
} from '@gatehouse/auth-server/child-protocol';
import type { Logger } from '@gatehouse/common';
import { CliError } from '../cli-error.js';
import { SERVER_NODE_FLAGS } from './node-flags.js';

/** The embedded auth server, running in a child process that `gatehouse start` supervises. */
export interface AuthServerProcess {
  /**
   * Resolves once the child listens, with the issuer and port it reported; rejects if it exits or does not
   * start within 30 s. Nothing happens before {@link AuthServerProcess.start}.
   */
  readonly ready: Promise<{ readonly issuer: string; readonly port: number }>;
  /** The child's pid (it changes when a crashed child is restarted). */
  readonly pid: number | undefined;
  /** Lets the child start: the configuration has been checked. Crashes from then on go to `logger`. */
  start(logger: Logger): void;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and stops restarting it. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** At most this many restarts within RESTART_WINDOW_MS; then the auth server stays down and it is logged. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/**
 * The first restart is at once (a one-off crash costs no downtime); each further one within the window waits
 * twice as long (1, 2, 4, 8 s), so a cause that passes (its port briefly taken, a disk briefly full) is outlived.
 */
const RESTART_BACKOFF_MS = 1_000;

/** Where the built auth server's entry point is (this file is packages/cli/{src,dist}/start/…). */
export function authServerMain(): string {
  return fileURLToPath(new URL('../../../auth-server/dist/main.js', import.meta.url));
}

/**
 * Forks the embedded auth server's process now, so that it and the API each have an event loop (and a core) of
 * their own and a crash of one does not take the other down. Loading its modules is most of its start-up time,
 * so it is forked before this process has even loaded the configuration checks: it loads them meanwhile, then
 * waits, opening and binding nothing, until {@link AuthServerProcess.start} (a bad setting stops it unstarted).
 * The child reads the same environment; it reports readiness over IPC and exits when this process goes away.
 * A child that dies (exit code other than 0) is restarted with the same port and issuer: all its state is in
 * DATA_DIR, so signed-in sessions survive. A restarted child that fails during its own start counts as another
 * crash: it is tried again after a back-off, within the same bound.
 */
export function forkAuthServer(env: Readonly<Record<string, string | undefined>>): AuthServerProcess {
  const main = authServerMain();
  if (!existsSync(main))
    throw new CliError('ERR_CLI_FAILED', `the auth server is not built (${main}): run npm run build`);

  let logger: Logger | undefined;
  let closing = false;
  let child: ChildProcess | undefined;
  /** The first child, waiting for start(); a restarted child is told to go as soon as it asks. */
  let waiting: ChildProcess | undefined;
  /** A restarted child must come back on the same port and issuer (the API and clients know them). */
  let pinnedEnv: Record<string, string | undefined> | undefined;
  const restarts: number[] = [];
  let restartTimer: NodeJS.Timeout | undefined;

  const spawnChild = (childEnv: Record<string, string | undefined>) =>
    new Promise<{ issuer: string; port: number }>((resolve, reject) => {
      // Only our own V8 flags: a parent's (a test runner's module conditions, an inspector port) must not leak in.
      const started = fork(main, [WAIT_FOR_GO_ARG], {
        env: childEnv,
        execArgv: [...SERVER_NODE_FLAGS],
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
        const received = message as Partial<AuthServerMessage> | null;
        if (received?.type === 'gatehouse:auth-server-waiting') {
          if (logger === undefined) waiting = started;
          else sayGo(started);
          return;
        }
        if (received?.type !== 'gatehouse:auth-server-ready' || typeof received.issuer !== 'string') return;
        clearTimeout(timer);
        started.off('exit', onExit);
        started.once('exit', (code, signal) => onCrash(code, signal));
        const port = Number(received.port);
        pinnedEnv ??= { ...env, AUTH_PORT: String(port), AUTH_ISSUER: received.issuer };
        resolve({ issuer: received.issuer, port });
      });
    });

  const ready = spawnChild({ ...env });
  // A handler from the start, so a child that fails (or is stopped) before anyone awaits `ready` is not an
  // unhandled rejection; whoever awaits it still sees the failure.
  ready.catch(() => undefined);

  function onCrash(code: number | null, signal: NodeJS.Signals | null): void {
    // Exit code 0 is a requested stop (Ctrl-C reaches the whole process group); only failures restart.
    if (closing || code === 0) return;
    logger?.error({ code, signal }, 'auth server exited unexpectedly; restarting it');
    restart();
  }

  function restart(): void {
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] ?? 0) < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      logger?.fatal({ restarts: restarts.length }, 'auth server keeps crashing; not restarting it again');
      return;
    }
    const delayMs = restarts.length === 0 ? 0 : RESTART_BACKOFF_MS * 2 ** (restarts.length - 1);
    restarts.push(now);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (closing) return;
      spawnChild(pinnedEnv ?? { ...env }).then(
        () => logger?.info('auth server restarted'),
        (error: unknown) => {
          if (closing) return;
          logger?.error({ err: error }, 'auth server restart failed; trying again');
          restart();
        },
      );
    }, delayMs);
  }

  return {
    ready,
    get pid() {
      return child?.pid;
    },
    start(log) {
      logger = log;
      if (waiting !== undefined) sayGo(waiting);
      waiting = undefined;
    },
    async close() {
      closing = true;
      clearTimeout(restartTimer);
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

function sayGo(child: ChildProcess): void {
  // A child that has exited meanwhile cannot be told; its exit handler reports that, so the error is dropped.
  child.send(AUTH_SERVER_GO, () => undefined);
}
