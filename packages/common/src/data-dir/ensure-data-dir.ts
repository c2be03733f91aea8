import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/config-error.js';

/**
 * Creates the data directory (mode 0700: it holds keys and secrets) if it is missing and returns its absolute
 * path. An existing directory readable by others is tightened to 0700. Anything that makes it unusable (a file
 * in the way, a folder this user cannot write, a path that cannot be created) is a {@link ConfigError} naming
 * `DATA_DIR`, so a start fails with one line instead of a stack trace or, later, a database error.
 */
export function ensureDataDir(dir: string): string {
  const absolute = resolve(dir);
  try {
    makeDirectory(absolute);
    if (!statSync(absolute).isDirectory()) throw invalid(absolute, 'is not a directory');
    accessSync(absolute, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw invalid(absolute, reasonOf(error));
  }
  const mode = statSync(absolute).mode & 0o777;
  if (mode & 0o077) {
    try {
      chmodSync(absolute, 0o700);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw invalid(absolute, `is open to other users and cannot be made private (chmod 0700: ${code})`);
    }
  }
  return absolute;
}

/**
 * `mkdir -p` with mode 0700, one level at a time. Node's own `{ recursive: true }` loops for ever where mkdir
 * answers ENOENT under a parent that exists (`/proc/x`); here every missing level is made once, so any
 * failure is reported at once.
 */
function makeDirectory(absolute: string): void {
  const missing: string[] = [];
  for (let current = absolute; !exists(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      // Another process (the auth server and the API start together) may have made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    // ENOTDIR: a file stands where a parent folder should be; report that rather than try to create under it.
    if (code === 'ENOTDIR') throw invalid(path, 'has a file where a folder is needed');
    throw error;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'is not writable by this user (permission denied)';
    case 'EROFS':
      return 'is on a read-only file system';
    case 'ENOENT':
      return 'cannot be created there (no such place on this system)';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'is a file, not a directory';
    case 'ENOSPC':
      return 'cannot be written: the disk is full';
    default:
      return `cannot be used (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

function invalid(path: string, reason: string): ConfigError {
  return new ConfigError('DATA_DIR', `Invalid DATA_DIR: ${path} ${reason}`);
}
