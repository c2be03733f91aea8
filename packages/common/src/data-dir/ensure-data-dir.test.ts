import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { ensureDataDir } from './ensure-data-dir.js';

describe('ensureDataDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gh-data-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates every missing level 0700 and tightens an existing folder open to others', () => {
    const dir = join(root, 'a', 'b');
    expect(ensureDataDir(dir)).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o755);
    ensureDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  const refusal = (dir: string) => {
    try {
      ensureDataDir(dir);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses a file with one line naming DATA_DIR', () => {
    const file = join(root, 'file');
    writeFileSync(file, '');
    const error = refusal(file);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe('DATA_DIR');
    expect((error as Error).message).toBe(`Invalid DATA_DIR: ${file} is not a directory`);
    expect((refusal(join(file, 'below')) as Error).message).toMatch(/^Invalid DATA_DIR: .* has a file where/);
  });

  // DATA_DIR=/proc/x (where Node's recursive mkdir never returns) is tested on the real command, in a child
  // process that can be killed: packages/cli/src/start/start-failures.test.ts.
});
