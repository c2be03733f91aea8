import { spawn } from 'node:child_process';
import { trackChild } from '../harness/child-registry.js';
import { gatehouseBin, repoRoot } from '../harness/paths.js';
import type { Credentials } from './gatehouse-client.js';

/**
 * Creates a user with `gatehouse users add <username> --email <e> --password-stdin [--totp-secret <BASE32>]`
 * in `dataDir` (or the database of `env`'s DATABASE_URL), the password written to the command's stdin as an
 * operator would pipe it.
 */
export async function addUser(
  dataDir: string,
  user: Credentials & { email: string },
  env: Record<string, string> = {},
): Promise<void> {
  const args = [gatehouseBin, 'users', 'add', user.username, '--email', user.email, '--password-stdin'];
  if (user.totpSecret) args.push('--totp-secret', user.totpSecret);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(user.password);
  // Bounded: a command that waits for input it will never get must not hang the whole run.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0)
    throw new Error(`gatehouse users add ${user.username} exited with ${code}: ${stderr.trim()}`);
}
