import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

describe('gatehouse start', () => {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // LOG_LEVEL goes through the configuration schema like every other setting: no silent fallback to info.
  it('refuses an unknown LOG_LEVEL with one line naming it, and exit 1', async () => {
    let stderr = '';
    const code = await main(['start'], {
      env: { DATA_DIR: join(root, 'data'), LOG_LEVEL: 'loud' },
      stdin: Readable.from([]),
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^gatehouse start: Invalid LOG_LEVEL: .*\(got "loud"\)\n$/);
  });
});
