import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Creates the data directory (mode 0700: it holds keys and secrets) if it is missing and returns its absolute
 * path. An existing directory readable by others is tightened to 0700.
 */
export function ensureDataDir(dir: string): string {
  const absolute = resolve(dir);
  mkdirSync(absolute, { recursive: true, mode: 0o700 });
  const mode = statSync(absolute).mode & 0o777;
  if (mode & 0o077) chmodSync(absolute, 0o700);
  return absolute;
}
