import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readOrCreateFile, readOrCreateFileAsync, writePrivateFile } from './read-or-create-file.js';

const newFile = () => join(mkdtempSync(join(tmpdir(), 'gh-')), 'nested', 'secret.key');

describe('readOrCreateFile', () => {
  it('creates once with mode 0600 and then returns the stored value', () => {
    const file = newFile();
    const first = readOrCreateFile(file, () => 'one');
    const second = readOrCreateFile(file, () => 'two');
    expect(first.toString()).toBe('one');
    expect(second.toString()).toBe('one');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('readOrCreateFileAsync', () => {
  it('runs create only while the file is absent, and keeps the file private', async () => {
    const file = newFile();
    const create = vi.fn(async () => 'one');
    expect((await readOrCreateFileAsync(file, create)).toString()).toBe('one');
    expect((await readOrCreateFileAsync(file, create)).toString()).toBe('one');
    expect(create).toHaveBeenCalledTimes(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('lets the first of two concurrent creators win', async () => {
    const file = newFile();
    const [first, second] = await Promise.all([
      readOrCreateFileAsync(file, async () => 'one'),
      readOrCreateFileAsync(file, async () => 'two'),
    ]);
    expect(second.toString()).toBe(first.toString());
  });
});

describe('writePrivateFile', () => {
  it('creates or replaces the content, mode 0600, leaving no temporary file behind', () => {
    const file = newFile();
    writePrivateFile(file, 'one');
    writePrivateFile(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(file))).toEqual(['secret.key']);
  });
});
