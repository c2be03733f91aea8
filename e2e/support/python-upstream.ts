import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@gatehouse/common/testing';

/** What the Python upstream reported on stdout: a request it received, or the first read of a body. */
export interface UpstreamEvent {
  readonly event: 'listening' | 'request' | 'reading';
  readonly method?: string;
  readonly path?: string;
  readonly port?: number;
}

/** The Python upstream (`echo-upstream.py`), started on a free loopback port. */
export interface PythonUpstream {
  readonly url: string;
  /** Every event so far, in order. */
  readonly events: readonly UpstreamEvent[];
  /** How many requests reached it so far. */
  requests(): number;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./echo-upstream.py', import.meta.url));

/** Starts `python3 echo-upstream.py` and resolves once it listens (it picks its own port: no race for one). */
export async function startPythonUpstream(): Promise<PythonUpstream> {
  const child: ChildProcess = spawn('python3', ['-u', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: UpstreamEvent[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      events.push(JSON.parse(buffered.slice(0, newline)) as UpstreamEvent);
      buffered = buffered.slice(newline + 1);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!(await waitUntil(() => events.some((event) => event.event === 'listening'), 15_000))) {
    child.kill('SIGKILL');
    throw new Error('the Python upstream did not start');
  }
  const port = events.find((event) => event.event === 'listening')?.port;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    requests: () => events.filter((event) => event.event === 'request').length,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
