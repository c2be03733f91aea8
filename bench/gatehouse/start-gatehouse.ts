import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { gatehouseBin, repoRoot } from '../harness/paths.js';

/** A running `gatehouse start` child process. */
export interface RunningGatehouse {
  process: ChildProcess;
  pid: number;
  publicUrl: string;
  authUrl: string;
  /** From spawn to the first `GET /readyz` answered 200. */
  readyMs: number;
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
}

/**
 * Runs `node packages/cli/dist/bin.js start` (Gatehouse's public interface, embedded auth server included)
 * and resolves once `GET /readyz` answers 200, polling every 10 ms so start-up time is measured to that
 * precision. Rate limiting is off (`RATE_LIMIT_PER_MINUTE=0`): it is policy, not capacity.
 */
export async function startGatehouse(options: StartOptions): Promise<RunningGatehouse> {
  const publicUrl = `http://localhost:${options.port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [gatehouseBin, 'start'], {
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
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
      throw new Error(`gatehouse start exited with ${exited} before /readyz: ${stderr.trim().slice(-1000)}`);
    }
    if (await isReady(publicUrl)) {
      return {
        process: child,
        pid: child.pid ?? 0,
        publicUrl,
        authUrl: `http://localhost:${options.authPort}`,
        readyMs: performance.now() - started,
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
