import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadClientAssertionKey } from './client-assertion-key.js';

vi.mock('jose', async (importOriginal) => {
  const jose = await importOriginal<typeof import('jose')>();
  return { ...jose, generateKeyPair: vi.fn(jose.generateKeyPair) };
});

describe('loadClientAssertionKey', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-client-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates a key pair only when the key file is absent, and keeps the file private', async () => {
    const first = await loadClientAssertionKey(dataDir);
    expect(generateKeyPair).toHaveBeenCalledTimes(1);
    expect(statSync(join(dataDir, 'api', 'client-assertion-key.json')).mode & 0o777).toBe(0o600);

    const again = await loadClientAssertionKey(dataDir);
    expect(generateKeyPair).toHaveBeenCalledTimes(1);
    expect(again.kid).toBe(first.kid);
    expect(again.jwks.keys[0]).not.toHaveProperty('d');
  });
});
