import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository's files as git sees them, relative to `root` with `/` separators, sorted: every tracked file
 * still on disk, and every new file git does not ignore (so a document written but not yet committed is checked
 * too). Build outputs, `node_modules` and data directories are ignored by `.gitignore`, hence never listed.
 */
export function repoFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const paths = new Set(listed.split('\0').filter((path) => path !== ''));
  return [...paths].filter((path) => existsSync(join(root, path))).sort();
}
