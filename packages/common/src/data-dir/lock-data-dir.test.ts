import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { lockDataDir } from './lock-data-dir.js';

// The lock is the operating system's, held per process: another process holds it here, as a second
// `gatehouse start` would meet it. That process takes it with better-sqlite3 exactly as lockDataDir does.
const HOLD = `
const Database = require('better-sqlite3');
const fs = require('node:fs');
const [file, pidFile] = process.argv.slice(1);
fs.closeSync(fs.openSync(file, 'a', 0o600));
const db = new Database(file);
db.pragma('locking_mode = EXCLUSIVE');
db.exec('BEGIN EXCLUSIVE; COMMIT');
fs.writeFileSync(pidFile, String(process.pid));
process.stdout.write('held\\n');
setInterval(() => {}, 1000);
`;

describe('lockDataDir', () => {
  let dir: string;
  let holder: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-lock-'));
  });
  afterEach(() => {
    holder?.kill('SIGKILL');
    holder = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Another process holding `<part>.lock`, resolved once it does. */
  async function holdInAnotherProcess(part: string): Promise<ChildProcess> {
    const file = join(dir, `${part}.lock`);
    const child = spawn(process.execPath, ['-e', HOLD, file, `${file}.pid`], {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    holder = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
    });
    return child;
  }

  const refusal = (part: 'api' | 'auth-server') => {
    try {
      lockDataDir(dir, part).release();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses a second holder of a part until the first releases it', () => {
    const lock = lockDataDir(dir, 'auth-server');
    const error = refusal('auth-server');
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `Invalid DATA_DIR: ${dir} is in use by another running gatehouse start (pid ${process.pid}); stop it, or set DATA_DIR to another folder`,
    );
    lock.release();
    expect(refusal('auth-server')).toBeUndefined();
  });

  it('refuses a part another process runs on this DATA_DIR, with one line naming DATA_DIR and its pid', async () => {
    const child = await holdInAnotherProcess('auth-server');
    const error = refusal('auth-server');
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe('DATA_DIR');
    expect((error as Error).message).toBe(
      `Invalid DATA_DIR: ${dir} is in use by another running gatehouse start (pid ${child.pid}); stop it, or set DATA_DIR to another folder`,
    );
    // The other part is free: `start auth` and `start api` may share a DATA_DIR.
    expect(refusal('api')).toBeUndefined();
  });

  it('is free again once its holder is killed outright (no stale lock), and after release', async () => {
    const child = await holdInAnotherProcess('api');
    expect(refusal('api')).toBeInstanceOf(ConfigError);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const lock = lockDataDir(dir, 'api');
    lock.release();
    lockDataDir(dir, 'api').release();
  });
});
