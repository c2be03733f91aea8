import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SPA_DIST = join(import.meta.dirname, '..', 'packages', 'spa', 'dist');

// The SPA's production build is what the API serves at `/`: it must not publish the app's original source.
describe('the built SPA', () => {
  it('ships no source maps and points to none', () => {
    const files = readdirSync(SPA_DIST, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    // npm test builds first; an empty list would prove nothing.
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    for (const file of files.filter((name) => /\.(js|css)$/.test(name))) {
      expect(readFileSync(file, 'utf8'), file).not.toContain('sourceMappingURL');
    }
  });
});
