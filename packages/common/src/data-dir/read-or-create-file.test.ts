import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOrCreateFile } from './read-or-create-file.js';

describe('readOrCreateFile', () => {
  it('creates once with mode 0600 and then returns the stored value', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gh-')), 'nested', 'secret.key');
    const first = readOrCreateFile(file, () => 'one');
    const second = readOrCreateFile(file, () => 'two');
    expect(first.toString()).toBe('one');
    expect(second.toString()).toBe('one');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
