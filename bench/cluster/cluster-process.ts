import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackChild } from '../harness/child-registry.js';
import { shebangNodeFlags } from '../harness/shebang-flags.js';

/** The repository's committed `gatehouse` command, found from here both as source (tests) and compiled (bench). */
export const gatehouseCommand = findUp('packages/cli/bin/gatehouse.js');

function findUp(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // bench/cluster (source) or bench/dist/cluster (compiled): the root is at most a few levels up.
  for (let level = 0; level < 6; level += 1) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    dir = dirname(dir);
  }
  throw new Error(`${relative} not found above ${fileURLToPath(import.meta.url)}`);
}

/** One `gatehouse start api|auth` process of a cluster, on a port of its own behind the cluster's proxy. */
export interface ClusterProcess {
  /** `api-0`, `auth-1`, …: also the server name the proxy reports (`s0`, `s1` in its backend's order). */
  readonly name: string;
  readonly part: 'api' | 'auth';
  readonly port: number;
  /** The process's own address, around the proxy (`http://127.0.0.1:<port>`). */
  readonly directUrl: string;
  /** The pid of the running process; 0 while it is down. */
  readonly pid: number;
  /** Whether the process has exited (killed, crashed or stopped), and with what. */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Warning and error lines it logged (LOG_LEVEL=warn): the first 50, and how many in all. */
  logged(): { count: number; first: string[] };
  /** Kills it with `signal` (SIGKILL: a machine lost) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again, same port and settings, and waits until its `/readyz` answers 200. */
  restart(): Promise<void>;
}

const READY_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 5_000;

/**
 * Starts `node <the bin's shebang flags> packages/cli/bin/gatehouse.js start <part>` with `env` (Gatehouse's public
 * interface, as a process manager would run it), and resolves once its own `/readyz` answers 200.
 */
export async function startClusterProcess(options: {
  name: string;
  part: 'api' | 'auth';
  port: number;
  env: Record<string, string>;
}): Promise<ClusterProcess> {
  const directUrl = `http://127.0.0.1:${options.port}`;
  const logged = { count: 0, first: [] as string[] };
  let child: ChildProcess | undefined;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let stderr = '';
  // Read through a function: the exit handler sets it between awaits, which TypeScript's narrowing cannot see.
  const exitOf = () => exit;

  const launch = async (): Promise<void> => {
    exit = undefined;
    stderr = '';
    const started = spawn(
      process.execPath,
      [...shebangNodeFlags(gatehouseCommand), gatehouseCommand, 'start', options.part],
      { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    trackChild(started);
    let partial = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        logged.count += 1;
        if (logged.first.length < 50) logged.first.push(line.slice(0, 600));
      }
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    started.once('exit', (code, signal) => {
      exit = { code, signal };
    });
    for (let waited = 0; waited < READY_LIMIT_MS; waited += 50) {
      const ended = exitOf();
      if (ended !== undefined) {
        throw new Error(
          `${options.name} exited (${ended.code ?? ended.signal}) before /readyz: ${stderr.trim()}`,
        );
      }
      if (await isReady(directUrl)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    started.kill('SIGKILL');
    throw new Error(`${options.name} not ready within ${READY_LIMIT_MS} ms: ${stderr.trim().slice(-1000)}`);
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const running = child;
    if (running === undefined || exit !== undefined) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_LIMIT_MS);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    name: options.name,
    part: options.part,
    port: options.port,
    directUrl,
    get pid() {
      return exit === undefined ? (child?.pid ?? 0) : 0;
    },
    get exit() {
      return exit;
    },
    logged: () => ({ count: logged.count, first: [...logged.first] }),
    kill,
    async restart() {
      await kill();
      await launch();
    },
  };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
