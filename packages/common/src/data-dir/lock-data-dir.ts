import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config/config-error.js';

/** A part of Gatehouse that keeps its state in DATA_DIR and must run once per DATA_DIR. */
export type DataDirPart = 'auth-server' | 'api';

/** Held by a running start; {@link DataDirLock.release} (or the process ending, however it ends) frees it. */
export interface DataDirLock {
  release(): void;
}

/**
 * Makes this process the only one running `part` on `dataDir`, or throws a {@link ConfigError} naming DATA_DIR
 * (and the pid of the process that holds it). Two of the same part on one DATA_DIR would each re-register the
 * API's client for their own PUBLIC_URL and answer for the other's sessions.
 *
 * The lock is the operating system's (SQLite's exclusive file lock on `<part>.lock`), not a file's existence or
 * a pid: the kernel drops it when its process ends, even by `kill -9` or a crash, so a dead start never leaves
 * it stuck, and a pid reused by another program (pid 1 in a restarted container) never holds it. The holder's
 * pid is written beside it only to say who holds it.
 *
 * @example
 * const lock = lockDataDir(dataDir, 'auth-server');
 * try { … } finally { lock.release(); }
 */
export function lockDataDir(dataDir: string, part: DataDirPart): DataDirLock {
  const file = join(dataDir, `${part}.lock`);
  const pidFile = `${file}.pid`;
  // Created private before SQLite opens it (an empty file is a valid new database).
  closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file);
  try {
    // At once: a start that finds the lock taken says so, it does not wait for it.
    db.pragma('busy_timeout = 0');
    // Kept until the connection closes: the first write takes the exclusive lock and never gives it back.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') throw error;
    throw new ConfigError(
      'DATA_DIR',
      `Invalid DATA_DIR: ${dataDir} is in use by another running gatehouse start${holderOf(pidFile)}; stop it, or set DATA_DIR to another folder`,
    );
  }
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

function holderOf(pidFile: string): string {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}
