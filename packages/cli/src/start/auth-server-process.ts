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
   * start within 30 s, with the one line that says why (the child's own, e.g. "Invalid AUTH_PORT: …").
   * Nothing happens before {@link AuthServerProcess.start}.
   */
  readonly ready: Promise<{ readonly issuer: string; readonly port: number }>;
  /** The child's pid (it changes when a crashed child is restarted). */
  readonly pid: number | undefined;
  /** True while a child is listening: false from the moment it exits until a restarted one listens again. */
  readonly serving: boolean;
  /**
   * Resolves, with the one line that says why, once restarting has given up (the policy's bound reached): the
   * auth server stays down for good, and whoever started it should exit so that a supervisor restarts it all.
   */
  readonly gaveUp: Promise<CliError>;
  /** Lets the child start: the configuration has been checked. Crashes from then on go to `logger`. */
  start(logger: Logger): void;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and stops restarting it. */
  close(): Promise<void>;
}

/** How often a child that keeps failing is restarted before the supervisor gives up. */
export interface RestartPolicy {
  /** At most this many restarts within `windowMs`; one failure more and it gives up. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** The second restart within the window waits this long, each further one twice as long as the last. */
  readonly backoffMs: number;
}

/**
 * The first restart is at once (a one-off crash costs no downtime); each further one within the minute waits
 * twice as long (1, 2, 4, 8 s), so a cause that passes (its port briefly taken, a disk briefly full) is
 * outlived. A sixth failure within the minute is not a passing cause: restarting stops there.
 */
export const RESTART_POLICY: RestartPolicy = { maxRestarts: 5, windowMs: 60_000, backoffMs: 1_000 };

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/** Where the built auth server's entry point is (this file is packages/cli/{src,dist}/start/…). */
export function authServerMain(): string {
  return fileURLToPath(new URL('../../../auth-server/dist/main.js', import.meta.url));
}

/**
 * Forks the embedded auth server's process now, so that it and the API each have an event loop (and a core) of
 * their own and a crash of one does not take the other down. Loading its modules is most of its start-up time,
 * so it is forked before this process has even loaded the configuration checks: it loads them meanwhile, then
 * waits, opening and binding nothing, until {@link AuthServerProcess.start} (a bad setting stops it unstarted).
 * The child reads the same environment; it reports readiness (or why it could not start) over IPC and exits
 * when this process goes away. A child that dies (exit code other than 0) is restarted with the same port and
 * issuer: all its state is in DATA_DIR, so signed-in sessions survive. A restarted child that fails during its
 * own start counts as another failure. Past the policy's bound, {@link AuthServerProcess.gaveUp} resolves.
 */
export function forkAuthServer(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly restartPolicy?: RestartPolicy } = {},
): AuthServerProcess {
  const main = authServerMain();
  if (!existsSync(main))
    throw new CliError('ERR_CLI_FAILED', `the auth server is not built (${main}): run npm run build`);
  const policy = options.restartPolicy ?? RESTART_POLICY;

  let logger: Logger | undefined;
  let closing = false;
  let child: ChildProcess | undefined;
  let serving = false;
  /** The first child, waiting for start(); a restarted child is told to go as soon as it asks. */
  let waiting: ChildProcess | undefined;
  /** A restarted child must come back on the same port and issuer (the API and clients know them). */
  let pinnedEnv: Record<string, string | undefined> | undefined;
  const failures: number[] = [];
  let restartTimer: NodeJS.Timeout | undefined;
  let giveUp: (reason: CliError) => void = () => undefined;
  const gaveUp = new Promise<CliError>((resolve) => {
    giveUp = resolve;
  });

  const spawnChild = (childEnv: Record<string, string | undefined>) =>
    new Promise<{ issuer: string; port: number }>((resolve, reject) => {
      // Only our own V8 flags: a parent's (a test runner's module conditions, an inspector port) must not leak in.
      const started = fork(main, [WAIT_FOR_GO_ARG], {
        env: childEnv,
        execArgv: [...SERVER_NODE_FLAGS],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child = started;
      /** Why it could not start, as it said over IPC before exiting. */
      let failure: string | undefined;
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(
          new CliError('ERR_CLI_FAILED', `the auth server did not start within ${READY_TIMEOUT_MS / 1000} s`),
        );
      }, READY_TIMEOUT_MS);
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        reject(
          new CliError(
            'ERR_CLI_FAILED',
            failure ?? `the auth server exited during start (${signal ?? `code ${code}`})`,
          ),
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
        if (received?.type === 'gatehouse:auth-server-failed') {
          if (typeof received.message === 'string') failure = received.message;
          return;
        }
        if (received?.type !== 'gatehouse:auth-server-ready' || typeof received.issuer !== 'string') return;
        clearTimeout(timer);
        started.off('exit', onExit);
        serving = true;
        started.once('exit', (code, signal) => {
          serving = false;
          onCrash(code, signal);
        });
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
    // `exitCode`, not `code`: the logger redacts every key named `code` (an authorization code's name).
    logger?.error({ exitCode: code, signal }, 'auth server exited unexpectedly; restarting it');
    restart(`it exited unexpectedly (${signal ?? `code ${code}`})`);
  }

  function restart(lastFailure: string): void {
    const now = Date.now();
    while (failures.length > 0 && (failures[0] ?? 0) < now - policy.windowMs) failures.shift();
    if (failures.length >= policy.maxRestarts) {
      const reason =
        `the embedded auth server failed ${failures.length + 1} times within ${policy.windowMs / 1000} s ` +
        `(last: ${lastFailure}); stopping, so that a service manager (systemd, Docker, Kubernetes) restarts Gatehouse`;
      logger?.fatal({ restarts: failures.length }, 'auth server keeps failing; not restarting it again');
      giveUp(new CliError('ERR_CLI_FAILED', reason));
      return;
    }
    const delayMs = failures.length === 0 ? 0 : policy.backoffMs * 2 ** (failures.length - 1);
    failures.push(now);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (closing) return;
      spawnChild(pinnedEnv ?? { ...env }).then(
        () => logger?.info('auth server restarted'),
        (error: unknown) => {
          if (closing) return;
          const why = error instanceof Error ? error.message : String(error);
          logger?.error({ reason: why }, 'auth server restart failed; trying again');
          restart(why);
        },
      );
    }, delayMs);
  }

  return {
    ready,
    get pid() {
      return child?.pid;
    },
    get serving() {
      return serving;
    },
    gaveUp,
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
