import { existsSync, readdirSync } from 'node:fs';
import { listApiSigningKeys } from '@gatehouse/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from './users-test-context.js';

describe('gatehouse keys', () => {
  let cli: ReturnType<typeof cliHarness>;
  beforeEach(() => {
    cli = cliHarness();
  });
  afterEach(() => {
    cli.cleanup();
  });

  it('rotates and lists the auth server keys; the old ones stay published', async () => {
    expect((await cli.run(['keys', 'list'])).stdout).toMatch(/No keys yet/);
    const first = await cli.run(['keys', 'rotate']);
    expect(first.code).toBe(0);
    const second = await cli.run(['keys', 'rotate', '--alg', 'RS256']);
    expect(second.code).toBe(0);
    const listed = (await cli.run(['keys', 'list'])).stdout;
    expect(listed.match(/RS256\s+active/g)).toHaveLength(1);
    expect(listed.match(/RS256\s+published/g)).toHaveLength(1);
    expect(listed.match(/ES256\s+active/g)).toHaveLength(1);
    expect(listed.match(/PS256\s+active/g)).toHaveLength(1);
  });

  // Regression: `keys list --api` on a DATA_DIR the API never started on created a signing key.
  it('lists no API key before the API has made one, and creates none', async () => {
    const listed = await cli.run(['keys', 'list', '--api']);
    expect(listed).toEqual({
      code: 0,
      stdout: 'No API signing key yet: the API creates one when it first starts.\n',
      stderr: '',
    });
    expect(existsSync(`${cli.dataDir}/api`) ? readdirSync(`${cli.dataDir}/api`) : []).toEqual([]);
    expect(await listApiSigningKeys(cli.dataDir)).toEqual([]);
  });

  it("rotates and lists the API's key with --api", async () => {
    const rotated = await cli.run(['keys', 'rotate', '--api']);
    expect(rotated.code).toBe(0);
    const keys = await listApiSigningKeys(cli.dataDir);
    expect(keys.length).toBeGreaterThan(0);
    expect((await cli.run(['keys', 'list', '--api'])).stdout).toContain(keys.at(-1)?.kid ?? 'missing');
  });

  it('exits 2 for bad arguments', async () => {
    for (const argv of [
      ['keys'],
      ['keys', 'rotate', '--alg', 'HS256'],
      ['keys', 'list', 'extra'],
      ['keys', 'rotate', '--api', '--alg', 'RS256'],
    ]) {
      const result = await cli.run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
    }
  });
});
