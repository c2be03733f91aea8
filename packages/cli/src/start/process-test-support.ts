// Helpers for tests that run real processes and ports (never imported by the command itself).
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** The pids of a process's children (Linux /proc). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text !== '') children.push(...text.split(/\s+/).map(Number));
  }
  return children;
}

/** The children of `pid` running the embedded auth server (`packages/auth-server/dist/main.js`). */
export function authServerChildren(pid: number): number[] {
  return childPids(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('auth-server/dist/main.js');
    } catch {
      return false; // it exited meanwhile
    }
  });
}

/** Listens on 127.0.0.1:`port` once it is free (a killed process's socket is closed as the kernel reaps it). */
export async function takePort(port: number): Promise<Server> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) return server;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`port ${port} never came free`);
}

/** Waits until `condition()` holds, checking every 50 ms, for 20 s at most. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'a condition',
): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
