import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from '../harness/child-registry.js';
import { gatehouseBin, repoRoot } from '../harness/paths.js';
import { shebangNodeFlags } from '../harness/shebang-flags.js';

/** The Fastify example (a team's own API on the gatehouse plugin), running in a child process. */
export interface RunningExample {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** `examples/fastify-api`, compiled: what `npm run example:fastify` runs. */
const exampleServer = fileURLToPath(new URL('../../../examples/fastify-api/dist/server.js', import.meta.url));

/**
 * Runs the Fastify example against `issuer` with the same node flags as the `gatehouse` command (so the two
 * processes compare fairly) and the bench's Gatehouse settings, and resolves once it serves its JWKS (polled
 * every 20 ms, 30 s at most).
 */
export async function startExample(options: {
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  dataDir: string;
  env: Record<string, string>;
}): Promise<RunningExample> {
  const url = `http://localhost:${options.port}`;
  const child: ChildProcess = spawn(process.execPath, [...shebangNodeFlags(gatehouseBin), exampleServer], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(options.port),
      PUBLIC_URL: url,
      OIDC_ISSUER: options.issuer,
      OIDC_CLIENT_ID: options.clientId,
      OIDC_CLIENT_SECRET: options.clientSecret,
      DATA_DIR: options.dataDir,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  for (let waited = 0; waited < 30_000; waited += 20) {
    if (exited) throw new Error(`the Fastify example exited before serving: ${stderr.trim().slice(-300)}`);
    const ready = await fetch(`${url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(1000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      },
      () => false,
    );
    if (ready) return { url, pid: child.pid ?? 0, stop };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await stop();
  throw new Error(`the Fastify example did not serve within 30 s: ${stderr.trim().slice(-300)}`);
}
