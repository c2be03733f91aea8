import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** A running example API (a child process of the test, in a process group of its own). */
export interface RunningExample {
  readonly url: string;
  /** What it wrote so far (standard output and error). */
  output(): string;
  stop(): Promise<void>;
}

/** How to run an example: its built file with node, or `npm run example:<name>` as the README says. */
export type ExampleCommand = 'node' | 'npm run';

/**
 * Starts `examples/<name>-api` (`name`: `express` or `fastify`) with `env` on `port`, and resolves once it
 * serves its JWKS (Gatehouse's routes are up), polling every 100 ms for at most 90 s (`npm run` compiles first).
 */
export async function startExample(
  name: 'express' | 'fastify',
  command: ExampleCommand,
  env: Record<string, string>,
): Promise<RunningExample> {
  const [file, args] =
    command === 'node'
      ? [process.execPath, [join(ROOT, 'examples', `${name}-api`, 'dist', 'server.js')]]
      : ['npm', ['run', '--silent', `example:${name}`]];
  const child: ChildProcess = spawn(file, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    // Its own process group: `npm run` starts a shell and node under it; stop() ends them all.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const url = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const stop = async () => {
    if (!exited && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exit;
  };
  for (let waited = 0; waited < 90_000; waited += 100) {
    if (exited) throw new Error(`the ${name} example exited before serving: ${output}`);
    const ready = await fetch(`${url}/.well-known/jwks.json`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return { url, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the ${name} example did not serve within 90 s: ${output}`);
}
