import { spawn } from 'node:child_process';
import { trackChild } from '../harness/child-registry.js';
import { gatehouseBin, repoRoot } from '../harness/paths.js';

/**
 * Registers a first-party client at the embedded auth server with `gatehouse clients add <id> --secret-stdin
 * --redirect-uri <publicUrl>/callback --first-party` in `dataDir`, the secret on the command's stdin, as an
 * operator registers a team's own API (the README's "Protect your own API").
 */
export async function addClient(
  dataDir: string,
  client: { id: string; secret: string; publicUrl: string },
): Promise<void> {
  const args = [
    gatehouseBin,
    'clients',
    'add',
    client.id,
    '--secret-stdin',
    '--redirect-uri',
    `${client.publicUrl}/callback`,
    '--first-party',
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(client.secret);
  // Bounded: a command that waits for input it will never get must not hang the whole run.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`gatehouse clients add ${client.id} exited with ${code}: ${stderr.trim()}`);
}
