import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.js';

// The flags are spelled in three places a process can take them from; these keep the copies equal.
describe('SERVER_NODE_FLAGS', () => {
  const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

  it('are in the gatehouse bin’s shebang', () => {
    const shebang = read('../bin.ts').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  });

  it('are in the root npm start script', () => {
    const { scripts } = JSON.parse(read('../../../../package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} packages/cli/dist/bin.js start`);
  });
});
