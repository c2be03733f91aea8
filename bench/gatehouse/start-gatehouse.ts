import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { trackChild } from '../harness/child-registry.js';
import { gatehouseBin, repoRoot } from '../harness/paths.js';
import { shebangNodeFlags } from '../harness/shebang-flags.js';

/** A running `gatehouse start` child process. */
export interface RunningGatehouse {
  process: ChildProcess;
  pid: number;
  publicUrl: string;
  authUrl: string;
  /** From spawn to the first `GET /readyz` answered 200. */
  readyMs: number;
  /** Warning and error log lines (LOG_LEVEL=warn) it wrote so far: the first 20, and how many in all. */
  logged: () => { count: number; first: string[] };
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for the exit. */
  stop: () => Promise<void>;
}

/** Ports, data directory and extra environment for one `gatehouse start`. */
export interface StartOptions {
  port: number;
  authPort: number;
  dataDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Starts it under `ulimit -n` of this many descriptors (soft and hard), as a smaller machine would. */
  descriptorLimit?: number;
  /** `api`: `gatehouse start api`, the API alone against `OIDC_ISSUER` (in `env`); both parts otherwise. */
  only?: 'api';
}

/**
 * Runs `node <the bin's shebang flags> packages/cli/dist/bin.js start` (Gatehouse's public interface, as
 * executing the `gatehouse` command runs it; embedded auth server included, unless `only: 'api'`)
 * and resolves once `GET /readyz` answers 200, polling every 10 ms so start-up time is measured to that
 * precision. Rate limiting is off (`RATE_LIMIT_PER_MINUTE=0`): it is policy, not capacity.
 */
export async function startGatehouse(options: StartOptions): Promise<RunningGatehouse> {
  const publicUrl = `http://localhost:${options.port}`;
  const started = performance.now();
  const command = [
    process.execPath,
    ...shebangNodeFlags(gatehouseBin),
    gatehouseBin,
    'start',
    ...(options.only === undefined ? [] : [options.only]),
  ];
  const limited =
    options.descriptorLimit === undefined
      ? command
      : ['/bin/sh', '-c', `ulimit -n ${Math.floor(options.descriptorLimit)} && exec "$@"`, 'sh', ...command];
  const child = spawn(limited[0] ?? process.execPath, limited.slice(1), {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(options.port),
      AUTH_PORT: String(options.authPort),
      PUBLIC_URL: publicUrl,
      DATA_DIR: options.dataDir,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Gatehouse logs JSON lines (pino) on stdout; at LOG_LEVEL=warn every line is worth keeping for the report.
  const logged = { count: 0, first: [] as string[] };
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      logged.count += 1;
      if (logged.first.length < 20) logged.first.push(line.slice(0, 600));
    }
  });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = started + (options.timeoutMs ?? 30_000);
  while (performance.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(`gatehouse start exited with ${exited} before /readyz: ${summarize(stderr)}`);
    }
    if (await isReady(publicUrl)) {
      return {
        process: child,
        pid: child.pid ?? 0,
        publicUrl,
        authUrl: `http://localhost:${options.authPort}`,
        readyMs: performance.now() - started,
        logged: () => ({ count: logged.count, first: [...logged.first] }),
        stop,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stop();
  throw new Error(
    `gatehouse start not ready within ${options.timeoutMs ?? 30_000} ms: ${stderr.trim().slice(-1000)}`,
  );
}

async function isReady(publicUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${publicUrl}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

// The one line of stderr that says what went wrong: the CLI's own one-line error or a thrown error's name and
// message, rather than a stack trace or oidc-provider's runtime warning.
function summarize(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.includes('WARNING: Unsupported runtime'));
  const telling = lines.find((line) => /^gatehouse |^[A-Za-z]*Error\b|"level":(50|60)/.test(line));
  return (telling ?? lines.at(-1) ?? '(no output)').slice(0, 300);
}
