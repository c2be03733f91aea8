import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Debian's haproxy (`.ci/run` installs it where it is missing). */
export const HAPROXY_BINARY = '/usr/sbin/haproxy';

/** HAProxy's load-balancing algorithms a test may want (`balance` in a backend section). */
export type HaproxyBalance = 'roundrobin' | 'leastconn' | 'first' | 'source' | 'random';

/** A server behind the proxy. */
export interface HaproxyBackend {
  readonly host: string;
  readonly port: number;
}

/** What {@link startHaproxy} puts in front of what. */
export interface HaproxyOptions {
  /** The servers behind the proxy, in order (`first` fills them in this order). */
  readonly backends: readonly HaproxyBackend[];
  /** How requests are spread over the backends; `roundrobin` by default. */
  readonly balance?: HaproxyBalance;
  /**
   * `option httpchk GET <path>` and `check` on every server: a backend that fails it (or is down) gets no more
   * requests until it passes again. Off by default: every backend is taken as up.
   */
  readonly healthCheck?: {
    readonly path: string;
    readonly intervalMs?: number;
    /** Failed checks in a row before a server is taken out (1 by default), passed ones before it is back (1). */
    readonly fall?: number;
    readonly rise?: number;
  };
  /**
   * Connections to the servers are kept open and reused (haproxy's default), as in production; by default each
   * request gets a connection of its own (`http-server-close`), see {@link startHaproxy}.
   */
  readonly keepAlive?: boolean;
  /** The address the proxy listens on; `127.0.0.1` by default. */
  readonly bindHost?: string;
  /**
   * A response header naming the backend that answered (`s0`, `s1`, … in the order of `backends`), so that a
   * test can tell that the steps of one flow landed on different processes of a cluster.
   */
  readonly servedByHeader?: string;
  /**
   * A request whose connection to its server fails (a process just killed, not yet seen down by the health
   * check) is tried on another server (`option redispatch`, `retries 2`), as a production balancer does.
   */
  readonly redispatch?: boolean;
  readonly binary?: string;
}

/** A running haproxy, listening on a free loopback port. */
export interface RunningHaproxy {
  /** `http://<bindHost>:<port>`, the proxy's front. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The generated configuration, to quote when a test fails. */
  readonly config: string;
  /** Stops haproxy (SIGTERM, then SIGKILL if it lingers) and removes its temporary directory. */
  close(): Promise<void>;
}

/** Port picks that may be taken by another process before haproxy binds them. */
const MAX_ATTEMPTS = 5;
/** How long haproxy may take to listen, and to exit once told to. */
const START_LIMIT_MS = 10_000;
const STOP_LIMIT_MS = 5_000;

/**
 * Starts a real haproxy in front of `backends`, for tests of what a reverse proxy or load balancer changes: the
 * client address arriving as `X-Forwarded-For` (`option forwardfor`: haproxy appends the address it saw, as a
 * header line of its own after any the client sent), one process of a cluster after another (`balance`). The
 * configuration is generated into a temporary directory; the front listens on a free loopback port (a port taken
 * meanwhile by another process makes haproxy fail to bind, and another is picked: SO_REUSEPORT is off so that
 * two proxies never share one silently). Each request gets a connection of its own to its backend
 * (`http-server-close`), so a test sees which backend answered and never a reused connection the backend was
 * just closing.
 *
 * @example
 * const proxy = await startHaproxy({ backends: [{ host: '127.0.0.1', port: api.port }] });
 * try {
 *   await requestFrom(`${proxy.url}/healthz`, { localAddress: '127.0.0.2' });
 * } finally {
 *   await proxy.close();
 * }
 */
export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  const binary = options.binary ?? HAPROXY_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`haproxy is not installed at ${binary} (Debian: apt-get install haproxy; .ci/run does)`);
  }
  if (options.backends.length === 0) throw new Error('haproxy needs at least one backend');
  if (options.servedByHeader !== undefined && !/^[A-Za-z][A-Za-z0-9-]*$/.test(options.servedByHeader)) {
    throw new Error(`not a header name: ${options.servedByHeader}`);
  }
  const host = options.bindHost ?? '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-haproxy-'));
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = haproxyConfig(options, host, port);
      const file = join(dir, 'haproxy.cfg');
      await writeFile(file, config, { mode: 0o600 });
      const child = spawn(binary, ['-f', file, '-db', '-dR'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
      });
      const started = await listening(child, host, port);
      if (started) {
        const stopOnExit = () => child.kill('SIGKILL');
        process.once('exit', stopOnExit);
        return {
          url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
          host,
          port,
          config,
          async close() {
            process.off('exit', stopOnExit);
            await stop(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      await stop(child);
      const busy = /cannot bind|address already in use/i.test(stderr);
      if (!busy || attempt >= MAX_ATTEMPTS) {
        throw new Error(`haproxy did not start: ${stderr.trim() || 'no output'}\n--- config ---\n${config}`);
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The configuration: one HTTP front on `host:port`, one backend section with every server. */
function haproxyConfig(options: HaproxyOptions, host: string, port: number): string {
  const check = options.healthCheck;
  // With failover on, a server is also marked down at the first connection error its live traffic meets (a
  // reset or refused connection: layer 4 only, never an HTTP answer such as a 503), not only after `fall` failed
  // checks: a request retried at once after its server died (on a kept-alive connection, which haproxy does not
  // redispatch for a POST) then goes to a live one.
  const observe = options.redispatch ? ' observe layer4 error-limit 1 on-error mark-down' : '';
  const inter = check
    ? ` check inter ${Math.max(50, Math.round(check.intervalMs ?? 200))}ms fall ${check.fall ?? 1} rise ${check.rise ?? 1}${observe}`
    : '';
  const lines = [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    '  option forwardfor',
    ...(options.keepAlive ? [] : ['  option http-server-close']),
    ...(options.redispatch ? ['  option redispatch', '  retries 2'] : []),
    'frontend front',
    `  bind ${host}:${port}`,
    '  default_backend servers',
    'backend servers',
    `  balance ${options.balance ?? 'roundrobin'}`,
    ...(options.servedByHeader === undefined
      ? []
      : [`  http-response set-header ${options.servedByHeader} %s`]),
    ...(check ? [`  option httpchk GET ${check.path}`] : []),
    ...options.backends.map(
      (backend, index) =>
        `  server s${index} ${backend.host.includes(':') ? `[${backend.host}]` : backend.host}:${backend.port}${inter}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Whether haproxy accepts connections on `host:port` before it exits or the start limit passes. */
async function listening(child: ChildProcess, host: string, port: number): Promise<boolean> {
  let exited = child.exitCode !== null;
  child.once('exit', () => {
    exited = true;
  });
  for (let waited = 0; waited < START_LIMIT_MS && !exited; waited += 25) {
    if (await accepts(host, port)) return !exited;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
  await exited;
  clearTimeout(timer);
}
