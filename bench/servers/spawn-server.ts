import { type ChildProcess, fork } from 'node:child_process';
import { trackChild } from '../harness/child-registry.js';
import type { ServerConfig } from './server-config.js';

/** A comparison server running in its own process (its own event loop, like the API). */
export interface ComparisonServer {
  name: string;
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Forks `bench/dist/servers/<file>` with the verification config (none for a server that verifies nothing, such
 * as the gateway's upstream), waits for it to announce its port (10 s at most), and returns its base URL on
 * 127.0.0.1.
 */
export async function spawnServer(
  name: string,
  file: string,
  config?: ServerConfig,
): Promise<ComparisonServer> {
  const child: ChildProcess = fork(new URL(file, import.meta.url), [], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ...(config === undefined ? {} : { BENCH_SERVER_CONFIG: JSON.stringify(config) }),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  trackChild(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 10 s`)), 10_000);
    child.once('message', (message: unknown) => {
      clearTimeout(timer);
      const announced = (message as { port?: unknown }).port;
      if (typeof announced === 'number' && announced > 0) resolve(announced);
      else reject(new Error(`${name} announced no port`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
