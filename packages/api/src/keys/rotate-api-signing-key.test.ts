import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listApiSigningKeys, rotateApiSigningKey } from './rotate-api-signing-key.js';
import { readSigningKeys, signingKeyFile } from './signing-key-file.js';

describe('rotateApiSigningKey / listApiSigningKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Regression: `gatehouse keys list --api` created a key (and DATA_DIR) on a store that had none.
  it('lists none before the first start, and creates nothing', async () => {
    expect(await listApiSigningKeys(dir)).toEqual([]);
    expect(existsSync(signingKeyFile(dir))).toBe(false);
  });

  it('creates a private key file, rotates, keeps the retired key 15 minutes, then drops it', async () => {
    await readSigningKeys(dir); // as the API does on its first start
    const [first] = await listApiSigningKeys(dir);
    expect(first).toMatchObject({ alg: 'ES256', status: 'active', retired_at: null });
    expect(statSync(signingKeyFile(dir)).mode & 0o777).toBe(0o600);

    const t0 = Date.now();
    const second = await rotateApiSigningKey(dir, t0);
    const listed = await listApiSigningKeys(dir);
    // Issue 11, finding 11: said "retired" while still served; the auth server's words now, for both.
    expect(listed.map((key) => [key.kid, key.status])).toEqual([
      [first?.kid, 'published'],
      [second.kid, 'active'],
    ]);
    expect((await listApiSigningKeys(dir, t0 + 16 * 60 * 1000)).map((key) => key.status)).toEqual([
      'expired',
      'active',
    ]);

    const third = await rotateApiSigningKey(dir, t0 + 16 * 60 * 1000);
    expect((await listApiSigningKeys(dir)).map((key) => key.kid)).toEqual([second.kid, third.kid]);
    expect(JSON.stringify(await listApiSigningKeys(dir))).not.toContain('"d"');
  });
});
